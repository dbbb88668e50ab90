//! AT final results (at::result): recognition ignores surrounding space, and a success
//! is only ever read from an `OK`/`0` or a `CONNECT`/`1` line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modemflash_core::at::result::FinalResult;

fuzz_target!(|line: &str| {
    let parsed = FinalResult::parse(line);
    assert_eq!(parsed, FinalResult::parse(&format!(" \t{line}\r\n ")), "surrounding space changed the result");
    if let Some(result) = &parsed {
        let upper = line.trim().to_ascii_uppercase();
        if result.is_ok() {
            assert!(
                upper == "OK" || upper == "0" || upper == "1" || upper.starts_with("CONNECT"),
                "{line:?} was read as success"
            );
        }
        // What the client shows is never empty.
        assert!(!result.to_string().is_empty());
    }
});
