//! What a transport received beyond the caller's buffer: a browser hands over whole
//! chunks (a Web Serial read, a WebUSB transfer) and `Port::read` gives back what fits,
//! keeping the rest for the next read.

/// The unread rest of the last chunk.
#[derive(Debug, Default)]
pub struct Leftover {
    bytes: Vec<u8>,
    at: usize,
}

impl Leftover {
    /// Whether everything received was handed out.
    pub fn is_empty(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// Keeps a newly received chunk and hands out what fits in `buf`.
    pub fn refill(&mut self, chunk: Vec<u8>, buf: &mut [u8]) -> usize {
        self.bytes = chunk;
        self.at = 0;
        self.take(buf)
    }

    /// Hands out what fits in `buf`.
    pub fn take(&mut self, buf: &mut [u8]) -> usize {
        let rest = &self.bytes[self.at..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        if self.is_empty() {
            self.bytes.clear();
            self.at = 0;
        }
        n
    }
}
