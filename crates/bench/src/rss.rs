//! The process's peak resident memory, from `/proc/self/status` (Linux).
//!
//! `VmHWM` is the high-water mark of the whole process; writing `5` to
//! `/proc/self/clear_refs` (Linux 4.0+) resets it to the current RSS, so each
//! measurement sees only its own peak. Where that is refused the peak is the process's
//! whole life so far, and [`PeakRss::reset`] says so.

use std::fs;

/// Measures peak RSS between a [`PeakRss::reset`] and [`PeakRss::peak`].
#[derive(Debug, Default)]
pub struct PeakRss {
    /// Whether the last reset worked.
    pub since_reset: bool,
}

impl PeakRss {
    /// Starts a measurement: resets the high-water mark when the kernel allows it.
    pub fn reset(&mut self) {
        self.since_reset = fs::write("/proc/self/clear_refs", "5").is_ok();
    }

    /// The peak resident set in bytes since the last reset (or since the start).
    pub fn peak(&self) -> Option<u64> {
        status_kib(&fs::read_to_string("/proc/self/status").ok()?, "VmHWM:").map(|kib| kib * 1024)
    }
}

/// The value in KiB of a `Name:   1234 kB` line.
fn status_kib(status: &str, name: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(name))?;
    line[name.len()..].trim().strip_suffix("kB")?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kib_lines_of_proc_status() {
        let status = "Name:\tbench\nVmPeak:\t  20000 kB\nVmHWM:\t    5120 kB\nVmRSS:\t 4000 kB\n";
        assert_eq!(status_kib(status, "VmHWM:"), Some(5120));
        assert_eq!(status_kib(status, "VmSwap:"), None);
    }

    #[test]
    fn the_peak_includes_memory_touched_after_the_reset() {
        let mut rss = PeakRss::default();
        rss.reset();
        let Some(before) = rss.peak() else { return }; // not Linux
        let touched = std::hint::black_box(vec![1u8; 32 << 20]);
        let after = rss.peak().unwrap();
        assert!(after >= before + (30 << 20) || !rss.since_reset, "{before} -> {after}");
        drop(touched);
    }
}
