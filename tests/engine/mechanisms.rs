//! Each mechanism on its own, on small hand-built worlds.

use crate::common::*;
use belonging::dynamics::init;
use belonging::dynamics::{exclusion, interaction, membership, ties, volunteering};
use belonging::rng::{phase_key, stream, Phase};
use belonging::rules::interaction::{warmth, Encounters};

#[test]
fn an_unreinforced_tie_decays_at_the_stated_rate() {
    // contact = 0: no private contact; the tie is not seen this week, so it decays by
    // ties.decay x (1 + lonely_decay x mean loneliness).
    let (mut w, cfg) = bare_world(
        4,
        &[
            "interaction.contact=0",
            "ties.decay=0.1",
            "ties.lonely_decay=1.0",
        ],
    );
    w.t = 10;
    w.set_tie(0, 1, 0.8, 3);
    w.set_tie(2, 3, 0.8, 3);
    w.agents.loneliness[0] = 0.0;
    w.agents.loneliness[1] = 0.0;
    w.agents.loneliness[2] = 0.5;
    w.agents.loneliness[3] = 0.5;
    ties::run(&mut w, &cfg, phase_key(1, 10, Phase::Ties));
    let weight = |w: &belonging::model::World, i: usize, j: u32| {
        w.agents.ties[i][w.tie_index(i, j).unwrap()].weight
    };
    // Exact arithmetic of the rule, in f32: 0.8 x (1 - 0.1) and 0.8 x (1 - 0.1 x 1.5).
    assert_eq!(weight(&w, 0, 1), 0.8 * (1.0 - 0.1f32));
    assert_eq!(weight(&w, 2, 3), 0.8 * (1.0 - 0.1f32 * 1.5));
    // After k weeks a tie of weight w0 holds w0 (1 - d)^k; it vanishes below min_weight.
    for week in 11..40 {
        w.t = week;
        ties::run(&mut w, &cfg, phase_key(1, week as u64, Phase::Ties));
    }
    // 0.8 x 0.9^30 = 0.034 < min_weight 0.05: gone, on both sides.
    assert!(w.tie_index(0, 1).is_none() && w.tie_index(1, 0).is_none());
    w.check_invariants().unwrap();
}

#[test]
fn a_reinforced_tie_does_not_decay() {
    let (mut w, cfg) = bare_world(2, &["interaction.contact=0"]);
    w.t = 5;
    w.set_tie(0, 1, 0.6, 5); // seen this week (e.g. met at a meeting)
    ties::run(&mut w, &cfg, phase_key(1, 5, Phase::Ties));
    assert_eq!(w.agents.ties[0][0].weight, 0.6);
}

#[test]
fn exclusion_lowers_identification_weakens_the_tie_and_raises_exclusion() {
    let (mut w, cfg) = bare_world(
        3,
        &[
            "exclusion.identification_loss=0.1",
            "exclusion.tie_loss=0.3",
            "exclusion.hit=0.3",
        ],
    );
    let g = add_plain_group(&mut w, 0, &[0, 1, 2], 0.2);
    w.set_tie(0, 1, 0.5, 0);
    let before = w.identification(0, g);
    exclusion::exclude(&mut w, &cfg, 0, 1, g);
    assert!((w.identification(0, g) - (before - 0.1)).abs() < 1e-6);
    let tie = w.agents.ties[0][w.tie_index(0, 1).unwrap()].weight;
    assert!((tie - 0.35).abs() < 1e-6, "{tie}");
    assert!((w.agents.exclusion[0] - 0.3).abs() < 1e-6);
    assert_eq!(w.counts.exclusions, 1);
    w.check_invariants().unwrap();
}

#[test]
fn stigmatized_attendees_are_excluded_where_acceptance_is_low_and_never_where_it_is_full() {
    // Agent 0 has a visible, stigmatized condition and attends two groups every week: one
    // with acceptance 0 and one with acceptance 1. Over 200 weeks it is excluded in the
    // first (p per meeting = rate x stigma x 0.5..1.5 >= 0.25 here) and never in the second.
    let (mut w, cfg) = bare_world(6, &["exclusion.rate=1.0"]);
    let low = add_plain_group(&mut w, 0, &[0, 1, 2], 0.0);
    let full = add_plain_group(&mut w, 0, &[0, 3, 4], 1.0);
    w.agents.condition[0] = 0;
    w.agents.condition_active[0] = true;
    w.agents.stigma[0] = 0.5;
    let (mut low_ident, mut full_ident) = (0.0, 0.0);
    for week in 0..200u32 {
        w.t = week;
        for g in [low, full] {
            meet_in_full(&mut w, g);
        }
        // Keep identification topped up so the loss can be measured each week.
        for m in w.agents.memberships[0].iter_mut() {
            m.ident = 0.5;
        }
        w.counts = Default::default();
        exclusion::run(&mut w, &cfg, &mut stream(3, week as u64, Phase::Exclusion));
        low_ident += 0.5 - w.identification(0, low) as f64;
        full_ident += 0.5 - w.identification(0, full) as f64;
    }
    assert!(
        low_ident > 0.1 * 200.0 * 0.25 * 0.5,
        "identification lost in the low-acceptance group: {low_ident}"
    );
    assert_eq!(full_ident, 0.0);
    w.check_invariants().unwrap();
}

#[test]
fn sustained_exclusion_leads_to_resignation_and_one_episode_does_not() {
    let (mut w, cfg) = bare_world(
        4,
        &[
            "exclusion.hit=0.3",
            "exclusion.decay=0.1",
            "exclusion.threshold=0.3",
            "exclusion.resign_weeks=8",
            "exclusion.rate=0",
        ],
    );
    let g = add_plain_group(&mut w, 0, &[0, 1, 2, 3], 0.5);
    // One episode for agent 0, then 30 quiet weeks.
    exclusion::exclude(&mut w, &cfg, 0, 1, g);
    // Agent 2: excluded every week for 30 weeks.
    for week in 0..30u32 {
        w.t = week;
        exclusion::exclude(&mut w, &cfg, 2, 1, g);
        exclusion::run(&mut w, &cfg, &mut stream(4, week as u64, Phase::Exclusion));
    }
    assert!(
        !w.agents.resigned[0],
        "one episode must not cause resignation"
    );
    assert!(
        w.agents.resigned[2],
        "sustained exclusion must cause resignation"
    );
    assert!(w.agents.approach[2] < w.agents.approach_base[2]);
}

#[test]
fn attending_a_support_group_raises_approach_and_regulation() {
    let (mut w, cfg) = bare_world(
        4,
        &[
            "support.practice=0.05",
            "support.informational=0.05",
            "support.facilitation=0.8",
            "interaction.encounters=0",
        ],
    );
    let proto = vec![0.5; w.dims];
    let sg = init::add_support_group(&mut w, &cfg, 0, &proto);
    let plain = add_plain_group(&mut w, 0, &[2, 3], 1.0);
    for i in [0, 1] {
        assert!(w.join(i, sg, 0.5, 0.8));
    }
    for g in [sg, plain] {
        meet_in_full(&mut w, g);
    }
    let a0 = w.agents.approach.clone();
    let r0 = w.agents.regulation.clone();
    interaction::run(&mut w, &cfg, phase_key(5, 0, Phase::Interaction));
    for i in [0, 1] {
        let expected = a0[i] + 0.05 * 0.8 * (1.0 - a0[i]);
        assert!((w.agents.approach[i] - expected).abs() < 1e-6);
        assert!(w.agents.regulation[i] > r0[i]);
    }
    for i in [2, 3] {
        assert_eq!(
            w.agents.approach[i], a0[i],
            "an ordinary group gives no practice"
        );
        assert_eq!(w.agents.regulation[i], r0[i]);
    }
}

#[test]
fn a_resolved_condition_lets_an_agent_graduate() {
    let (mut w, cfg) = bare_world(
        12,
        &[
            "support.graduation=1.0",
            "support.dropout=0",
            "support.min_size=1",
            "support.found_size=1",
        ],
    );
    let proto = vec![0.5; w.dims];
    let sg = init::add_support_group(&mut w, &cfg, 0, &proto);
    for i in 0..6 {
        assert!(w.join(i, sg, 0.6, 0.8));
        w.agents.condition[i] = 0;
        w.agents.loneliness[i] = 0.1;
    }
    // Agents 0..3: condition resolved; agents 3..6: still active.
    for i in 0..6 {
        w.agents.condition_active[i] = i >= 3;
    }
    let key = phase_key(6, 0, Phase::Membership);
    membership::run(&mut w, &cfg, key, &mut stream(6, 0, Phase::Membership));
    for i in 0..3 {
        assert!(!w.in_support(i), "agent {i} should have graduated");
    }
    for i in 3..6 {
        assert!(
            w.in_support(i),
            "agent {i} still has its condition and stays"
        );
    }
    assert_eq!(w.counts.support_graduations, 3);
    assert_eq!(w.counts.support_dropouts, 0);
    w.check_invariants().unwrap();
}

#[test]
fn a_lonely_agent_with_a_condition_finds_or_founds_a_support_group() {
    let (mut w, cfg) = bare_world(
        10,
        &[
            "support.seek_rate=1.0",
            "support.found_size=4",
            "support.min_size=2",
        ],
    );
    for i in 0..6 {
        w.agents.condition[i] = 0;
        w.agents.condition_active[i] = true;
        w.agents.loneliness[i] = 1.0;
        w.agents.approach[i] = 1.0;
    }
    let key = phase_key(7, 0, Phase::Membership);
    membership::run(&mut w, &cfg, key, &mut stream(7, 0, Phase::Membership));
    // Six seekers, no group: one group of found_size = 4 is founded, two wait.
    assert_eq!(w.counts.support_founded, 1);
    assert_eq!((0..6).filter(|&i| w.in_support(i)).count(), 4);
    assert_eq!(w.waiting[0].len(), 2);
    assert!(
        (6..10).all(|i| !w.in_support(i)),
        "agents without a condition do not seek"
    );
    w.check_invariants().unwrap();
}

#[test]
fn loneliness_moves_towards_the_gap_between_need_and_belonging() {
    // No ties, no groups: belonging 0, so the target is the full gap (1) and loneliness
    // moves by rate x (1 - L) each week (no neighbours, no contagion).
    let (mut w, cfg) = bare_world(3, &["belonging.rate=0.2"]);
    w.agents.loneliness = vec![0.0; 3];
    belonging::dynamics::belonging::run(&mut w, &cfg);
    for i in 0..3 {
        assert!((w.agents.loneliness[i] - 0.2).abs() < 1e-6);
        assert_eq!(w.agents.belonging[i], 0.0);
    }
}

#[test]
fn contagion_pulls_loneliness_towards_neighbours() {
    let (mut w, cfg) = bare_world(3, &["belonging.rate=0", "belonging.contagion=0.1"]);
    w.set_tie(0, 1, 0.5, 0);
    w.agents.loneliness = vec![0.2, 0.8, 0.5];
    belonging::dynamics::belonging::run(&mut w, &cfg);
    assert!((w.agents.loneliness[0] - (0.2 + 0.1 * 0.6)).abs() < 1e-6);
    assert!((w.agents.loneliness[1] - (0.8 - 0.1 * 0.6)).abs() < 1e-6);
    assert_eq!(w.agents.loneliness[2], 0.5, "no ties, no contagion");
}

#[test]
fn warmth_falls_with_both_partners_loneliness() {
    let (_, cfg) = bare_world(2, &["interaction.warmth_loneliness=0.6"]);
    let k = Encounters::new(&cfg.scenario).warmth_k;
    assert_eq!(k, 0.6);
    assert_eq!(warmth(k, 0.0, 0.0), 1.0);
    assert!(warmth(k, 0.5, 0.0) < 1.0);
    assert!(warmth(k, 0.5, 0.5) < warmth(k, 0.5, 0.0));
}

#[test]
fn a_strike_records_groups_before_kept_and_joined_and_support_spells_close() {
    let (mut w, cfg) = bare_world(6, &["events[0].lose=[(kind: \"club\", probability: 1.0)]"]);
    let a = add_plain_group(&mut w, 0, &[0, 1], 0.7);
    let b = add_plain_group(&mut w, 0, &[0, 2], 0.7);
    w.t = w.burn_in + 5;
    w.agents.loneliness[0] = 0.3;
    belonging::dynamics::events::strike(&mut w, &cfg, 0, 0, &mut stream(1, 5, Phase::Events));
    let ag = &w.agents;
    assert_eq!((ag.groups_before[0], ag.groups_kept[0]), (2, 0));
    assert_eq!(ag.loneliness_before[0], 0.3);
    assert!(ag.loneliness_year[0].is_nan());
    assert!(w.membership_index(0, a).is_none() && w.membership_index(0, b).is_none());
    // Joining in the year after the event counts; a support join opens a spell that a
    // dissolution closes.
    let proto = vec![0.5; w.dims];
    let g = init::add_support_group(&mut w, &cfg, 0, &proto);
    assert!(w.join(0, g, 0.3, 0.5));
    assert_eq!(w.agents.groups_joined[0], 1);
    assert_eq!(w.support_log.len(), 1);
    w.t += 3;
    w.dissolve(g);
    let s = w.support_log[0];
    assert_eq!((s.joined, s.left), (w.t - 3, w.t));
    assert_eq!(s.end, belonging::model::SpellEnd::Dissolved);
    w.check_invariants().unwrap();
}

#[test]
fn a_programme_meets_only_in_its_session_weeks_and_ends_after_the_last() {
    let (mut w, cfg) = bare_world(
        12,
        &["interventions=[(start: 2, sessions: [0, 2], group_size: 5, uptake: 1.0)]"],
    );
    // Agents 0..8 are lonely at the start week, the others not.
    for i in 0..12 {
        w.agents.loneliness[i] = if i < 8 { 0.9 } else { 0.1 };
    }
    let run = |w: &mut belonging::model::World, step: u32| {
        w.t = w.burn_in + step;
        belonging::dynamics::interventions::run(
            w,
            &cfg,
            &mut stream(1, step as u64, Phase::Interventions),
        );
    };
    run(&mut w, 2);
    let programme: Vec<usize> = (0..w.n_groups()).filter(|&g| w.is_programme(g)).collect();
    assert_eq!(programme.len(), 2, "8 participants in groups of 5: 5 + 3");
    let members: usize = programme.iter().map(|&g| w.groups.members[g].len()).sum();
    assert_eq!(members, 8);
    assert!(
        (8..12).all(|i| w.agents.memberships[i].is_empty()),
        "only the lonely"
    );
    let rate = |w: &belonging::model::World| w.groups.meeting_rate[programme[0]];
    assert_eq!(rate(&w), 1.0);
    run(&mut w, 3);
    assert_eq!(rate(&w), 0.0);
    run(&mut w, 4);
    assert_eq!(rate(&w), 1.0);
    run(&mut w, 5);
    assert!(programme.iter().all(|&g| !w.groups.active[g]));
    assert!(
        w.support_log.is_empty(),
        "programme groups are not support-group spells"
    );
    w.check_invariants().unwrap();
}

#[test]
fn bounded_confidence_in_groups_scope_acts_only_among_co_attendees() {
    // Agents 0 and 1 attend a meeting together and are within epsilon: each week each is
    // the active agent once with the other as the only partner, so they end up together.
    // Agent 2 is a member who did not attend; agent 3 attends another group alone.
    let (mut w, cfg) = bare_world(
        4,
        &[
            "identity.rule=BoundedConfidence",
            "identity.scope=Groups",
            "identity.dims=1",
            "identity.anchoring=0",
            "identity.noise=0",
        ],
    );
    let g = add_plain_group(&mut w, 0, &[0, 1, 2], 1.0);
    let h = add_plain_group(&mut w, 0, &[3], 1.0);
    meet_with(&mut w, g, &[0, 1]);
    meet_in_full(&mut w, h);
    w.agents.identity = vec![0.4, 0.5, 0.45, 0.6];
    belonging::dynamics::identity::run(
        &mut w,
        &cfg,
        phase_key(1, 0, Phase::Identity),
        &mut stream(1, 0, Phase::Identity),
    );
    let x = &w.agents.identity;
    assert!(
        (x[0] - 0.45).abs() < 1e-6 && (x[1] - 0.45).abs() < 1e-6,
        "{x:?}"
    );
    assert_eq!(
        (x[2], x[3]),
        (0.45, 0.6),
        "non-attendee and lone attendee unchanged"
    );
}

#[test]
fn axelrod_in_network_scope_copies_from_a_tie_only() {
    // 0 - 1 tied, sharing 2 of 3 features; 2 is isolated. After enough weeks 0 and 1 agree.
    let (mut w, cfg) = bare_world(
        3,
        &[
            "identity.rule=Axelrod",
            "identity.scope=Network",
            "identity.features=3",
            "identity.traits=4",
            "network.cross_ties=1",
        ],
    );
    w.agents.ties.clear_all();
    w.set_tie(0, 1, 0.5, 0);
    w.agents.culture = vec![0, 1, 2, 0, 1, 3, 2, 2, 2];
    for week in 0..50 {
        belonging::dynamics::identity::run(
            &mut w,
            &cfg,
            phase_key(2, week, Phase::Identity),
            &mut stream(2, week, Phase::Identity),
        );
    }
    let c = &w.agents.culture;
    assert_eq!(c[0..3], c[3..6], "tied agents converge: {c:?}");
    assert_eq!(c[6..9], [2, 2, 2], "the isolated agent keeps its culture");
    assert!(belonging::dynamics::identity::classic::absorbed(
        &mut w, &cfg
    ));
}

#[test]
fn in_a_fixed_network_only_a_tie_set_below_the_minimum_vanishes() {
    // contact = 0 and decay = 0: nothing reinforces or decays a tie; a tie set below
    // ties.min_weight (as exclusion does) is gone after the next tie maintenance.
    let (mut w, cfg) = bare_world(
        4,
        &[
            "interaction.contact=0",
            "ties.decay=0",
            "ties.min_weight=0.05",
        ],
    );
    w.agents.ties.clear_all();
    w.set_tie(0, 1, 0.8, 0);
    w.set_tie(2, 3, 0.8, 0);
    for week in 0..3 {
        ties::run(&mut w, &cfg, phase_key(1, week, Phase::Ties));
    }
    assert_eq!(w.agents.ties[0][0].weight, 0.8, "not decayed");
    w.set_tie(2, 3, 0.04, 3);
    ties::run(&mut w, &cfg, phase_key(1, 3, Phase::Ties));
    assert!(w.tie_index(2, 3).is_none() && w.tie_index(3, 2).is_none());
    assert_eq!(
        w.tie_index(0, 1),
        Some(0),
        "the tie above the minimum stays"
    );
    w.check_invariants().unwrap();
}

#[test]
fn with_belonging_off_loneliness_keeps_its_start_and_culture_moves_as_with_it_on() {
    // The built-in axelrod scenario turns the belonging process off. Culture depends only
    // on the identity stream, so it follows the same path either way; loneliness, belonging
    // and the slow traits stay exactly where they started only when the process is off.
    let off = config("axelrod", &[]);
    assert!(!off.scenario.belonging.enabled);
    let on = config("axelrod", &["belonging.enabled=true"]);
    let (mut a, mut b) = (init::build(&off, 4), init::build(&on, 4));
    let start = a.clone();
    for _ in 0..150 {
        belonging::dynamics::step(&mut a, &off, 4);
        belonging::dynamics::step(&mut b, &on, 4);
    }
    assert_eq!(a.agents.culture, b.agents.culture);
    assert_ne!(a.agents.culture, start.agents.culture, "culture moved");
    let states = |w: &belonging::model::World| {
        let g = &w.agents;
        [
            g.loneliness.clone(),
            g.belonging.clone(),
            g.attachment.clone(),
            g.approach.clone(),
            g.distress.clone(),
            g.regulation.clone(),
        ]
    };
    assert_eq!(states(&a), states(&start), "off: every state as it started");
    assert_ne!(states(&b), states(&start), "on: the process moves them");
}

#[test]
fn members_leave_voluntary_groups_they_no_longer_identify_with_and_others_join() {
    let cfg = config(
        "default",
        &[
            "groups=[(name: \"club\", memberships: 0.0, voluntary_exit: true, joinable: true), \
             (name: \"family\", memberships: 0.0, voluntary_exit: false)]",
            "events[0].lose=[]",
            "network.cross_ties=0",
            "population.size=1000",
            "support.initial_groups=0",
            "membership.leave_threshold=0.5",
            "membership.leave_rate=0.3",
            "membership.turnover=0.0",
            "membership.join_rate=0.4",
        ],
    );
    let mut w = init::build(&cfg, 8);
    // Agents 0..400 in 100 clubs of 4 and, like everyone, in a family of 4 (all of whose
    // members identify little with it); in the clubs, even agents identify little.
    for c in 0..100 {
        add_plain_group(&mut w, 0, &(4 * c..4 * c + 4).collect::<Vec<_>>(), 1.0);
    }
    for f in 0..250 {
        add_plain_group(&mut w, 1, &(4 * f..4 * f + 4).collect::<Vec<_>>(), 1.0);
    }
    for i in 0..1000 {
        for m in w.agents.memberships[i].iter_mut() {
            m.ident = if m.group < 100 && i % 2 == 1 {
                0.8
            } else {
                0.2
            };
        }
        // Only agents 400..1000 look for a group (p = join_rate x 1 x (1 - 0) = 0.4).
        w.agents.approach[i] = if i < 400 { 0.0 } else { 1.0 };
        w.agents.membership[i] = 0.0;
    }
    let key = phase_key(8, 0, Phase::Membership);
    membership::run(&mut w, &cfg, key, &mut stream(8, 0, Phase::Membership));
    let in_club = |w: &belonging::model::World, i: usize, c: usize| {
        w.agents.memberships[i]
            .iter()
            .any(|m| m.group as usize == c)
    };
    let left_low = (0..400)
        .step_by(2)
        .filter(|&i| !in_club(&w, i, i / 4))
        .count();
    let left_high = (1..400)
        .step_by(2)
        .filter(|&i| !in_club(&w, i, i / 4))
        .count();
    let left_family = (0..1000).filter(|&i| !in_club(&w, i, 100 + i / 4)).count();
    // 200 low identifiers each leave with p = 0.3: sd sqrt(0.3 x 0.7 / 200) = 0.032 of the
    // fraction; 4 sd tolerance.
    let f = left_low as f64 / 200.0;
    assert!((f - 0.3).abs() < 4.0 * 0.0324, "left {left_low} of 200");
    assert_eq!(left_high, 0, "no turnover: those who identify stay");
    assert_eq!(
        left_family, 0,
        "nobody leaves a group without voluntary exit"
    );
    assert_eq!(w.counts.group_leaves as usize, left_low);
    // 600 seekers each try with p = 0.4 (and find room: the clubs hold 100): sd
    // sqrt(0.4 x 0.6 / 600) = 0.020; 4 sd tolerance. Nobody else joins.
    let joined = (400..1000)
        .filter(|&i| w.agents.memberships[i].iter().any(|m| m.group < 100))
        .count();
    let f = joined as f64 / 600.0;
    assert!((f - 0.4).abs() < 4.0 * 0.020, "{joined} of 600 joined");
    assert_eq!(w.counts.group_joins as usize, joined);
    w.check_invariants().unwrap();
}

/// Volunteering (ODD §6.12): agents who are not lonely invite a lonely friend to one of their
/// community groups (joinable, ordinary, with room, not already the friend's), and the friend
/// accepts with probability acceptance × approach; nobody else invites or is invited.
#[test]
fn volunteers_invite_lonely_friends_to_their_open_community_groups() {
    let cfg = config(
        "default",
        &[
            "groups=[(name: \"club\", memberships: 0.0, joinable: true), \
             (name: \"family\", memberships: 0.0, joinable: false)]",
            "events[0].lose=[]",
            "network.cross_ties=0",
            "population.size=1400",
            "support.initial_groups=0",
            "volunteering.rate=1.0",
            "volunteering.max_loneliness=0.2",
            "volunteering.acceptance=0.5",
            "belonging.threshold=0.5",
        ],
    );
    let mut w = init::build(&cfg, 8);
    for i in 0..1400 {
        w.agents.loneliness[i] = 0.3; // neither inviting (>= 0.2) nor lonely (<= 0.5)
        w.agents.approach[i] = 0.6;
    }
    // 600 volunteers (loneliness 0.1), each in one club of 3 volunteers (room for 100) and a
    // family, each tied to one lonely friend (loneliness 0.8) of its own: 600..1200.
    for c in 0..200 {
        add_plain_group(&mut w, 0, &(3 * c..3 * c + 3).collect::<Vec<_>>(), 1.0);
        add_plain_group(&mut w, 1, &(3 * c..3 * c + 3).collect::<Vec<_>>(), 1.0);
    }
    for i in 0..600 {
        w.agents.loneliness[i] = 0.1;
        w.agents.loneliness[600 + i] = 0.8;
        w.set_tie(i, 600 + i, 0.5, 0);
    }
    // Controls. 1200..1250: lonely friends of agents who are themselves too lonely to invite
    // (0.25 >= 0.2), in clubs of their own. 1250..1300: a volunteer in a full club (capacity
    // 1) with a lonely friend. 1300..1350: friends of volunteers that are not lonely (0.3).
    for k in 0..50 {
        let (a, b) = (1200 + k, 1350 + k);
        w.agents.loneliness[a] = 0.8;
        w.agents.loneliness[b] = 0.25;
        add_plain_group(&mut w, 0, &[b], 1.0);
        w.set_tie(a, b, 0.5, 0);
    }
    for k in 0..50 {
        let (v, f) = (1250 + k, 1300 + k);
        w.agents.loneliness[v] = 0.1;
        w.agents.loneliness[f] = 0.8;
        let g = add_plain_group(&mut w, 0, &[v], 1.0);
        w.groups.capacity[g] = 1;
        w.set_tie(v, f, 0.5, 0);
    }
    let before = w.clone();
    volunteering::run(&mut w, &cfg, &mut stream(8, 0, Phase::Volunteering));
    let new_groups = |i: usize| -> Vec<u32> {
        w.agents.memberships[i]
            .iter()
            .map(|m| m.group)
            .filter(|g| !before.agents.memberships[i].iter().any(|m| m.group == *g))
            .collect()
    };
    let mut joined = 0;
    for i in 0..1400 {
        let new = new_groups(i);
        if (600..1200).contains(&i) {
            // Only the volunteer's club, never its family.
            let friend = i - 600;
            for &g in &new {
                assert_eq!(g as usize, 2 * (friend / 3), "agent {i} joined group {g}");
            }
            joined += new.len();
        } else {
            assert!(new.is_empty(), "agent {i} was not to be invited: {new:?}");
        }
    }
    // 600 invitations each accepted with p = 0.5 x 0.6 = 0.3: sd sqrt(0.3 x 0.7 / 600) =
    // 0.0187 of the fraction; 4 sd tolerance.
    let f = joined as f64 / 600.0;
    assert!((f - 0.3).abs() < 4.0 * 0.0187, "{joined} of 600 accepted");
    assert_eq!(w.counts.invitations as usize, joined);
    assert_eq!(w.counts.group_joins as usize, joined);
    w.check_invariants().unwrap();

    // Off (rate 0, the default): nothing changes and nothing is drawn.
    let off = config("default", &["population.size=200"]);
    let mut w = init::build(&off, 8);
    let before = format!("{w:?}");
    let mut rng = stream(8, 0, Phase::Volunteering);
    volunteering::run(&mut w, &off, &mut rng);
    assert_eq!(format!("{w:?}"), before);
    let mut fresh = stream(8, 0, Phase::Volunteering);
    assert_eq!(
        rand::Rng::next_u64(&mut rng),
        rand::Rng::next_u64(&mut fresh)
    );
}
