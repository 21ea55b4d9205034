//! Every interval of summary.csv lies inside its metric's range (shares and scores in
//! [0, 1], counts at least 0), including where the plain Student t interval would not: the
//! affected agents' prevalence of a pulse, with few affected agents and most replicates at 0.

use crate::common::*;
use belonging::model::metrics;
use belonging::output::summary_csv;
use belonging::stats::{summarize, TTable};

#[test]
fn summary_intervals_stay_inside_each_metrics_range() {
    let cfg = config(
        "classroom",
        &[
            "population.size=150",
            "steps=60",
            "burn_in=10",
            "replicates=4",
            "events[0].pulse.step=5",
        ],
    );
    let results = run_all(&cfg, 2);
    let series: Vec<_> = results
        .iter()
        .map(|r| (&r.recorded[..], &r.series[..]))
        .collect();
    let csv = summary_csv(&series);
    let mut t = TTable::default();
    let (mut rows, mut t_outside) = (0, 0);
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (step, name) = (f[0].parse::<usize>().expect("step"), f[1]);
        let m = metrics::index_of(name).expect("a metric");
        let b = metrics::bounds(m);
        let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
        let (mean, lo, hi) = (num(f[2]), num(f[4]), num(f[5]));
        if !lo.is_finite() {
            continue;
        }
        rows += 1;
        assert!(
            lo <= mean && mean <= hi,
            "{line}: the mean outside its interval"
        );
        assert_eq!(b.clamp(lo), lo, "{line}: ci_low outside {b:?}");
        assert_eq!(b.clamp(hi), hi, "{line}: ci_high outside {b:?}");
        // The plain t interval of the same replicates, for contrast.
        let xs: Vec<f64> = series.iter().map(|s| s.1[step].values[m]).collect();
        let plain = summarize(&xs, &mut t);
        if b.clamp(plain.ci_low) != plain.ci_low || b.clamp(plain.ci_high) != plain.ci_high {
            t_outside += 1;
        }
    }
    assert!(rows > 1000, "only {rows} intervals checked");
    // The case the bounds are for does occur in this run: otherwise the test proves nothing.
    assert!(
        t_outside > 10,
        "only {t_outside} plain t intervals left their range"
    );
}
