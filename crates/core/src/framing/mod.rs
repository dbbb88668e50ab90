//! Sans-IO codecs: pure functions and small push-parsers that take bytes and return
//! frames or lines. They never block, never allocate per byte, cap what they buffer and
//! resynchronise on garbage.

pub mod hdlc;
pub mod lines;
