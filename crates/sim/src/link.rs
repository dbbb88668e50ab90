//! A model of the USB link between computer and dongle, in virtual time.

use core::time::Duration;

/// Bandwidth, turnaround latency and transfer size of the link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// Payload bytes per second in each direction.
    pub bytes_per_sec: u64,
    /// One-way delay added to every transfer (USB scheduling, driver, OS).
    pub latency: Duration,
    /// The largest piece one read returns: a bulk endpoint's max packet size.
    pub max_read: usize,
}

impl Link {
    /// USB 2.0 full speed as a CDC/vendor serial function sees it: about 1 MB/s of
    /// payload, 1 ms frames, 64-byte bulk packets.
    pub const fn usb_full_speed() -> Self {
        Link { bytes_per_sec: 1_000_000, latency: Duration::from_millis(1), max_read: 64 }
    }

    /// USB 2.0 high speed: about 30 MB/s of bulk payload, 125 µs microframes, 512-byte packets.
    pub const fn usb_high_speed() -> Self {
        Link { bytes_per_sec: 30_000_000, latency: Duration::from_micros(125), max_read: 512 }
    }

    /// A link with the given bandwidth and latency and high-speed packets.
    pub const fn new(bytes_per_sec: u64, latency: Duration) -> Self {
        Link { bytes_per_sec, latency, max_read: 512 }
    }

    /// Time to put `len` bytes on the wire (without latency).
    pub fn transfer_time(&self, len: usize) -> Duration {
        if self.bytes_per_sec == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos((len as u128 * 1_000_000_000 / self.bytes_per_sec as u128) as u64)
    }
}

impl Default for Link {
    fn default() -> Self {
        Link::usb_high_speed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_time_follows_bandwidth() {
        let link = Link::new(1_000_000, Duration::ZERO);
        assert_eq!(link.transfer_time(4096), Duration::from_micros(4096));
        assert_eq!(Link::new(0, Duration::ZERO).transfer_time(10), Duration::ZERO);
    }
}
