//! Golden snapshot of a small scenario's summary.csv: any change of any number is a
//! deliberate, reviewed snapshot update (`cargo insta review`, or INSTA_UPDATE=always).

use crate::common::*;
use belonging::output::summary_csv;

#[test]
fn summary_of_a_small_classroom_run() {
    let cfg = config(
        "classroom",
        &[
            "population.size=120",
            "steps=40",
            "burn_in=10",
            "replicates=3",
        ],
    );
    let results = run_all(&cfg, 2);
    let series: Vec<_> = results
        .iter()
        .map(|r| (&r.recorded[..], &r.series[..]))
        .collect();
    let csv = summary_csv(&series);
    insta::assert_snapshot!("classroom_summary", csv);
}
