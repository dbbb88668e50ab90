//! The download protocols' reply parsers over arbitrary payloads (what a damaged or
//! hostile device may send after HDLC unframing): Balong, DMSS, streaming, QDL, and
//! the streaming partition table, which also goes the other way (what parses must
//! encode back to the same table).
#![no_main]

use libfuzzer_sys::fuzz_target;
use modemflash_core::protocol::{balong, dmss, qdl, streaming};

fuzz_target!(|data: &[u8]| {
    let _ = balong::Reply::parse(data);
    let _ = dmss::Reply::parse(data);
    let _ = streaming::Reply::parse(data);
    let _ = qdl::Reply::parse(data);
    if let Ok(table) = streaming::PartitionTable::parse(data) {
        let again = streaming::PartitionTable::parse(&table.encode()).expect("an encoded table parses");
        assert_eq!(again, table, "a table survives encoding");
    }
});
