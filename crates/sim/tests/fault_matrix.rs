//! The fault matrix in the default test run (issue 7, "Proof"): a few hundred seeded
//! runs with random fault plans, each ending byte-exact or in a clear stop. Thousands
//! of runs: `modemflash-bench faults --runs 5000 --seed 7`.

use modemflash_sim::matrix::{self, FAMILIES};

const RUNS: u64 = 300;
const SEED: u64 = 0x6d66_2d37;

#[test]
fn no_fault_plan_gets_a_success_with_a_wrong_flash() {
    let tallies = matrix::run(RUNS, SEED, FAMILIES).unwrap();
    println!("{tallies}");
    assert_eq!(tallies.runs, RUNS);
    assert!(tallies.violations.is_empty(), "{tallies}");
    assert_eq!(tallies.exact + tallies.exact_after_resume + tallies.stopped(), RUNS);
    // The plans must exercise both ends: most runs recover (directly or after one
    // resume), with resumes among them.
    assert!(tallies.exact + tallies.exact_after_resume > RUNS / 2, "{tallies}");
    assert!(tallies.exact > RUNS / 5, "{tallies}");
    assert!(tallies.exact_after_resume > 0, "{tallies}");
    assert_eq!(tallies.faults.len(), 8, "every kind of fault was planned: {tallies}");
}

#[test]
fn the_same_seed_gives_the_same_tallies() {
    assert_eq!(matrix::run(20, 1, FAMILIES).unwrap(), matrix::run(20, 1, FAMILIES).unwrap());
}
