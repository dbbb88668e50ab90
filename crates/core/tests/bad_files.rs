//! Every bad firmware file of every family's corpus (modemflash_sim::image::bad) is
//! refused by the inspection, with a sentence naming the problem, reading no more than
//! the file and holding no more than a bounded amount of memory whatever its length
//! fields claim. (flash_job.rs shows the same files never reach the modem.)

mod support;

use futures::executor::block_on;
use modemflash_core::image::{inspect, InspectOptions, Outcome};
use modemflash_sim::image::bad::CORPORA;
use support::peak_memory;

/// The most memory one inspection may hold: a few decompression windows, never what a
/// length field claims.
const MEMORY_CAP: usize = 64 << 20;

#[test]
fn every_bad_file_is_refused_with_a_sentence_in_bounded_memory() {
    let mut refused = 0;
    for (family, corpus) in CORPORA {
        let files = corpus();
        assert!(files.len() > 50, "{family}: a corpus of {} files is too small", files.len());
        for file in files {
            let what = format!("{family}, {}", file.what);
            let (inspection, peak) =
                peak_memory(|| block_on(inspect(&mut file.bytes.as_slice(), &InspectOptions::default())));
            let inspection = inspection.unwrap_or_else(|e| panic!("{what}: reading memory failed: {e}"));
            assert!(!inspection.report.passed(), "{what}: passed verification");
            let failures: Vec<_> = inspection.report.failures().collect();
            assert!(failures.iter().all(|c| c.outcome == Outcome::Fail));
            for failure in failures {
                let words = failure.sentence.split_whitespace().count();
                assert!(words >= 4 && failure.sentence.ends_with('.'), "{what}: unclear: {:?}", failure.sentence);
            }
            assert!(peak <= MEMORY_CAP, "{what}: held {peak} bytes at once");
            refused += 1;
        }
    }
    println!("{refused} bad files refused");
}
