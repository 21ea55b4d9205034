//! Two worlds' states compared bit for bit: the differential test's judge.

use crate::model::{Attendee, Lists, Member, Tie, World};

/// The first difference between two worlds' states, bit for bit (floats by their bits, lists
/// by their contents, not their layout), or `None`. The scratch buffers and the sums carried
/// between processes are not state and are not compared.
pub fn first_difference(x: &World, y: &World) -> Option<String> {
    let mut out = Diff(None);
    let World {
        dims,
        features,
        traits,
        rule,
        scope: _,
        t,
        burn_in,
        agents: xa,
        groups: xg,
        support_kind,
        waiting,
        counts,
        scratch_loneliness: _,
        scratch: _,
        carry: _,
        support_log,
    } = x;
    out.eq("dims", dims, &y.dims);
    out.eq("features", features, &y.features);
    out.eq("traits", traits, &y.traits);
    out.eq("rule", rule, &y.rule);
    out.eq("t", t, &y.t);
    out.eq("burn_in", burn_in, &y.burn_in);
    out.eq("support_kind", support_kind, &y.support_kind);
    out.eq("waiting", waiting, &y.waiting);
    out.eq("counts", counts, &y.counts);
    out.eq("support_log", support_log, &y.support_log);
    let crate::model::Agents {
        need,
        approach,
        approach_base,
        regulation,
        regulation_base,
        distress,
        neighbourhood,
        identity,
        identity_base,
        condition,
        condition_active,
        condition_end,
        stigma,
        integration,
        event_step,
        exclusion,
        excluded_weeks,
        resigned,
        groups_before,
        groups_kept,
        groups_joined,
        lost,
        left_support,
        loneliness_before,
        loneliness_year,
        loneliness,
        attachment,
        membership,
        collective,
        belonging,
        memberships,
        ties,
        culture,
    } = xa;
    let ya = &y.agents;
    for (name, u, v) in [
        ("need", need, &ya.need),
        ("approach", approach, &ya.approach),
        ("approach_base", approach_base, &ya.approach_base),
        ("regulation", regulation, &ya.regulation),
        ("regulation_base", regulation_base, &ya.regulation_base),
        ("distress", distress, &ya.distress),
        ("identity", identity, &ya.identity),
        ("identity_base", identity_base, &ya.identity_base),
        ("stigma", stigma, &ya.stigma),
        ("integration", integration, &ya.integration),
        ("exclusion", exclusion, &ya.exclusion),
        (
            "loneliness_before",
            loneliness_before,
            &ya.loneliness_before,
        ),
        ("loneliness_year", loneliness_year, &ya.loneliness_year),
        ("loneliness", loneliness, &ya.loneliness),
        ("attachment", attachment, &ya.attachment),
        ("membership", membership, &ya.membership),
        ("collective", collective, &ya.collective),
        ("belonging", belonging, &ya.belonging),
    ] {
        out.floats(name, u, v);
    }
    out.eq("condition", condition, &ya.condition);
    out.eq("neighbourhood", neighbourhood, &ya.neighbourhood);
    out.eq("condition_active", condition_active, &ya.condition_active);
    out.eq("condition_end", condition_end, &ya.condition_end);
    out.eq("event_step", event_step, &ya.event_step);
    out.eq("excluded_weeks", excluded_weeks, &ya.excluded_weeks);
    out.eq("resigned", resigned, &ya.resigned);
    out.eq("groups_before", groups_before, &ya.groups_before);
    out.eq("groups_kept", groups_kept, &ya.groups_kept);
    out.eq("groups_joined", groups_joined, &ya.groups_joined);
    out.eq("lost", lost, &ya.lost);
    out.eq("left_support", left_support, &ya.left_support);
    out.eq("culture", culture, &ya.culture);
    out.lists("memberships", memberships, &ya.memberships, |m: &Member| {
        (
            m.group,
            m.ident.to_bits(),
            m.attend.to_bits(),
            m.joined,
            m.came,
            m.leaving,
        )
    });
    out.lists("ties", ties, &ya.ties, |t: &Tie| {
        (t.other, t.weight.to_bits(), t.seen)
    });
    let crate::model::Groups {
        kind,
        focus,
        members,
        prototype,
        active,
        established,
        capacity,
        meeting_rate,
        attendance_logit,
        acceptance,
        coherence,
        met,
        attendees,
        programme,
    } = xg;
    let yg = &y.groups;
    for (name, u, v) in [
        ("prototype", prototype, &yg.prototype),
        ("meeting_rate", meeting_rate, &yg.meeting_rate),
        ("attendance_logit", attendance_logit, &yg.attendance_logit),
        ("acceptance", acceptance, &yg.acceptance),
        ("coherence", coherence, &yg.coherence),
    ] {
        out.floats(name, u, v);
    }
    out.eq("kind", kind, &yg.kind);
    out.eq("focus", focus, &yg.focus);
    out.eq("active", active, &yg.active);
    out.eq("established", established, &yg.established);
    out.eq("capacity", capacity, &yg.capacity);
    out.eq("met", met, &yg.met);
    out.eq("programme", programme, &yg.programme);
    out.lists("members", members, &yg.members, |&i: &u32| i);
    out.lists("attendees", attendees, &yg.attendees, |a: &Attendee| {
        (a.agent, a.ident.to_bits())
    });
    out.0
}

/// The first difference found, if any.
struct Diff(Option<String>);

impl Diff {
    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, name: &str, x: &T, y: &T) {
        if self.0.is_none() && x != y {
            let show = |v: &T| {
                let s = format!("{v:?}");
                s.chars().take(200).collect::<String>()
            };
            self.0 = Some(format!("{name}: {} against {}", show(x), show(y)));
        }
    }

    fn floats(&mut self, name: &str, x: &[f32], y: &[f32]) {
        if self.0.is_some() {
            return;
        }
        if x.len() != y.len() {
            self.0 = Some(format!("{name}: {} values against {}", x.len(), y.len()));
        } else if let Some(k) = (0..x.len()).find(|&k| x[k].to_bits() != y[k].to_bits()) {
            self.0 = Some(format!("{name}[{k}]: {:?} against {:?}", x[k], y[k]));
        }
    }

    fn lists<T: Copy + Default + Send + Sync, K: PartialEq + std::fmt::Debug, const E: bool>(
        &mut self,
        name: &str,
        x: &Lists<T, E>,
        y: &Lists<T, E>,
        bits: impl Fn(&T) -> K,
    ) {
        if self.0.is_some() {
            return;
        }
        if x.owners() != y.owners() {
            self.0 = Some(format!(
                "{name}: {} lists against {}",
                x.owners(),
                y.owners()
            ));
            return;
        }
        for i in 0..x.owners() {
            let (u, v): (Vec<K>, Vec<K>) = (
                x[i].iter().map(&bits).collect(),
                y[i].iter().map(&bits).collect(),
            );
            if u != v {
                self.0 = Some(format!("{name} of {i}: {u:?} against {v:?}"));
                return;
            }
        }
    }
}
