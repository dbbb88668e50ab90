//! AT response lines (specs/at-commands.md §1, §2.1).
//!
//! Splits a byte stream into lines on LF, accepting one or more CR before it (`\r\r\n`
//! occurs on Huawei URCs), and a bare CR followed by anything else as a terminator
//! (numeric `V0` results end in CR only). Empty lines are dropped. A line longer than
//! the cap is discarded up to its end and reported once, so a flood of garbage cannot
//! grow the buffer.

/// The longest line kept. AT replies are far shorter; `^VERSION?` lines stay under 100.
pub const MAX_LINE: usize = 4096;

/// One decoded item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// A complete, non-empty line without its terminator.
    Text(String),
    /// A line longer than [`MAX_LINE`] was dropped.
    Overlong,
}

/// Push-parser for CR/LF-terminated lines.
#[derive(Debug, Default)]
pub struct LineDecoder {
    /// Bytes of the line being collected (terminator excluded).
    line: Vec<u8>,
    /// A CR was seen at the end of `line`; whether it ends the line depends on the next byte.
    pending_cr: bool,
    /// The current line overflowed: skip to its end.
    discarding: bool,
    /// Completed lines not yet taken.
    ready: std::collections::VecDeque<Line>,
}

impl LineDecoder {
    /// A decoder with nothing buffered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds received bytes; complete lines become available through [`Self::next_line`].
    pub fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                b'\n' => {
                    self.pending_cr = false;
                    self.finish_line();
                }
                b'\r' => self.pending_cr = true,
                _ => {
                    if self.pending_cr {
                        // A bare CR ended the previous line (V0 numeric results).
                        self.pending_cr = false;
                        self.finish_line();
                    }
                    if self.discarding {
                        continue;
                    }
                    if self.line.len() == MAX_LINE {
                        self.line.clear();
                        self.discarding = true;
                        self.ready.push_back(Line::Overlong);
                    } else {
                        self.line.push(b);
                    }
                }
            }
        }
    }

    /// The next complete line, if any.
    pub fn next_line(&mut self) -> Option<Line> {
        self.ready.pop_front()
    }

    /// Ends a line that stopped at a bare CR with nothing after it yet.
    ///
    /// Call after the input has gone quiet: a `V0` result such as `0\r` is the last thing
    /// the modem sends, so no further byte will confirm the CR as a terminator.
    pub fn flush_pending_cr(&mut self) {
        if self.pending_cr {
            self.pending_cr = false;
            self.finish_line();
        }
    }

    /// Whether a line ended by a bare CR is waiting for [`Self::flush_pending_cr`].
    pub fn has_pending_cr(&self) -> bool {
        self.pending_cr && !self.line.is_empty()
    }

    /// Forgets any partial line (used before a new command, so stale bytes cannot mix in).
    pub fn reset(&mut self) {
        self.line.clear();
        self.pending_cr = false;
        self.discarding = false;
    }

    fn finish_line(&mut self) {
        if self.discarding {
            self.discarding = false;
        } else if !self.line.is_empty() {
            let text = String::from_utf8_lossy(&self.line).into_owned();
            self.ready.push_back(Line::Text(text));
        }
        self.line.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lines(d: &mut LineDecoder) -> Vec<Line> {
        std::iter::from_fn(|| d.next_line()).collect()
    }

    fn text(s: &str) -> Line {
        Line::Text(s.to_string())
    }

    #[test]
    fn verbose_reply_with_echo_splits_into_lines() {
        let mut d = LineDecoder::new();
        d.push(b"AT+CGMI\r\r\nhuawei\r\n\r\nOK\r\n");
        assert_eq!(lines(&mut d), vec![text("AT+CGMI"), text("huawei"), text("OK")]);
    }

    #[test]
    fn huawei_urc_with_double_cr_is_one_line() {
        let mut d = LineDecoder::new();
        d.push(b"\r\n^RSSI:17\r\r\n");
        assert_eq!(lines(&mut d), vec![text("^RSSI:17")]);
    }

    #[test]
    fn bare_cr_ends_a_line_when_more_follows() {
        let mut d = LineDecoder::new();
        d.push(b"0\rRING\r\n");
        assert_eq!(lines(&mut d), vec![text("0"), text("RING")]);
    }

    #[test]
    fn trailing_bare_cr_waits_for_a_flush() {
        let mut d = LineDecoder::new();
        d.push(b"0\r");
        assert!(d.has_pending_cr());
        assert_eq!(lines(&mut d), vec![]);
        d.flush_pending_cr();
        assert_eq!(lines(&mut d), vec![text("0")]);
    }

    #[test]
    fn overlong_line_is_reported_once_and_the_stream_recovers() {
        let mut d = LineDecoder::new();
        d.push(&vec![b'x'; MAX_LINE + 10]);
        d.push(&[b'y'; 10]);
        d.push(b"\r\nOK\r\n");
        assert_eq!(lines(&mut d), vec![Line::Overlong, text("OK")]);
    }

    proptest! {
        /// Any chunking of the input gives the same lines.
        #[test]
        fn chunking_does_not_change_lines(cuts in proptest::collection::vec(0usize..64, 0..8)) {
            let input: &[u8] = b"ATI\r\r\nManufacturer: huawei\r\n\r\n^RSSI:9\r\r\nModel: E3372\r\n\r\nOK\r\n";
            let mut whole = LineDecoder::new();
            whole.push(input);
            let expected = lines(&mut whole);
            let mut chunked = LineDecoder::new();
            let mut rest = input;
            for c in cuts {
                let c = c.min(rest.len());
                chunked.push(&rest[..c]);
                rest = &rest[c..];
            }
            chunked.push(rest);
            prop_assert_eq!(lines(&mut chunked), expected);
        }
    }
}
