//! Validation targets of docs/VALIDATION.md: each runs its experiment over replicates
//! (`belonging::validation`, the same code as `belonging validate N`) and every check must
//! hold. The tolerance of each check is stated in its target's module and printed with the
//! report (run with `-- --nocapture` to see the figures).

use belonging::validation::{run, Options};

fn holds(target: u32) {
    let opts = Options {
        threads: 2,
        replicates: None,
    };
    let r = run(target, &opts).unwrap_or_else(|e| panic!("target {target}: {e}"));
    eprintln!("{r}");
    assert!(r.pass(), "{r}");
}

#[test]
fn target_1_stable_baseline() {
    holds(1);
}

#[test]
fn target_2_loss_and_regain() {
    holds(2);
}

#[test]
fn target_8_fluid_collective_identity() {
    holds(8);
}
