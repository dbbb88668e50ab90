//! Every bad firmware file of every family's corpus (modemflash_sim::image::bad) is
//! refused by the inspection, with a sentence naming the problem, reading no more than
//! the file and holding no more than a bounded amount of memory whatever its length
//! fields claim; and the flasher, given it for a virtual stick of its family, stops
//! before a single byte reaches the stick, whose flash stays as it was.

mod support;

use futures::executor::block_on;
use modemflash_core::device::PortRole;
use modemflash_core::event::Event;
use modemflash_core::flasher::{FlashError, Flasher, Job, Journal, NextStep};
use modemflash_core::image::{Inspection, Outcome};
use modemflash_sim::image::bad::{BadFile, Corpus, CORPORA};
use modemflash_sim::image::inspected::inspected;
use modemflash_sim::{Sim, SimConnector};
use support::peak_memory;

/// The most memory one inspection may hold: a few decompression windows, never what a
/// length field claims.
const MEMORY_CAP: usize = 64 << 20;

/// The inspection's refusal: every failing check a clear sentence, one naming the
/// problem when the corpus says which.
fn assert_refused(what: &str, file: &BadFile, inspection: &Inspection) {
    assert!(!inspection.report.passed(), "{what}: passed verification");
    let failures: Vec<_> = inspection.report.failures().collect();
    assert!(failures.iter().all(|c| c.outcome == Outcome::Fail));
    for failure in &failures {
        let words = failure.sentence.split_whitespace().count();
        assert!(words >= 4 && failure.sentence.ends_with('.'), "{what}: unclear: {:?}", failure.sentence);
    }
    if let Some(named) = file.named {
        let sentences: Vec<&str> = failures.iter().map(|c| c.sentence.as_str()).collect();
        assert!(
            sentences.iter().any(|s| s.to_lowercase().contains(&named.to_lowercase())),
            "{what}: no sentence says {named:?}: {sentences:#?}"
        );
    }
}

/// The flasher, offered the file for the corpus's stick, stops before sending a byte.
fn assert_never_flashed(what: &str, corpus: &Corpus, inspection: &Inspection, source: &[u8]) {
    let sim = Sim::new(corpus.profile);
    let before = sim.inspect(|d| d.flash().clone());
    let port = sim.open_role(PortRole::Pcui).unwrap();
    let mut flasher = Flasher::new(SimConnector::new(sim.clone()), Vec::new());
    let job = Job { inspection, source, only: None, journal: Journal::default(), usb: sim.usb_id() };
    let failure = block_on(flasher.run(port, job)).expect_err(what);
    assert!(matches!(failure.error, FlashError::Plan(_)), "{what}: {failure}");
    assert_eq!(failure.next_step(), NextStep::ChooseAnotherFile, "{what}");
    let events = flasher.into_parts().1;
    assert!(!events.iter().any(|e| matches!(e, Event::AtLine(..))), "{what}: a byte went to the modem");
    assert!(sim.inspect(|d| *d.flash() == before), "{what}: the virtual flash changed");
    assert_eq!(sim.usb_id(), Some(corpus.profile.normal_id), "{what}");
}

#[test]
fn every_bad_file_is_refused_with_a_sentence_in_bounded_memory_and_never_flashed() {
    let mut refused = 0;
    for corpus in CORPORA {
        let files = (corpus.build)();
        assert!(files.len() > 50, "{}: a corpus of {} files is too small", corpus.family, files.len());
        println!("{}: {} bad files", corpus.family, files.len());
        for file in files {
            let what = format!("{}, {}", corpus.family, file.what);
            let bytes = file.bytes.clone();
            let (result, peak) = peak_memory(move || inspected(bytes));
            let (inspection, source) = result.unwrap_or_else(|e| panic!("{what}: reading memory failed: {e}"));
            assert_refused(&what, &file, &inspection);
            assert!(peak <= MEMORY_CAP, "{what}: held {peak} bytes at once");
            assert_never_flashed(&what, corpus, &inspection, &source);
            refused += 1;
        }
    }
    println!("{refused} bad files refused");
}
