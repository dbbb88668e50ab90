//! Monotonic time as seen through a [`crate::port::Port`].
//!
//! The engine never reads an OS clock: `std::time::Instant` does not exist on
//! `wasm32-unknown-unknown`, and the virtual dongles run in virtual time. Each port
//! supplies its own clock origin; an [`Instant`] is only meaningful against the port
//! that produced it.

use core::ops::{Add, AddAssign, Sub};
use core::time::Duration;

/// A point in time, measured from the origin of one port's clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(Duration);

impl Instant {
    /// The clock's origin.
    pub const ZERO: Instant = Instant(Duration::ZERO);

    /// The instant `elapsed` after the clock's origin.
    pub const fn from_origin(elapsed: Duration) -> Self {
        Instant(elapsed)
    }

    /// Time since the clock's origin.
    pub const fn since_origin(self) -> Duration {
        self.0
    }

    /// `self - earlier`, or zero when `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        self.0.saturating_sub(earlier.0)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, rhs: Duration) -> Instant {
        Instant(self.0 + rhs)
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        self.0 += rhs;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    /// Saturating: a deadline in the past leaves zero time, never a panic.
    fn sub(self, rhs: Instant) -> Duration {
        self.saturating_duration_since(rhs)
    }
}

/// A deadline on a port's clock: how long is left until it passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline(Instant);

impl Deadline {
    /// The deadline `timeout` after `now`.
    pub fn after(now: Instant, timeout: Duration) -> Self {
        Deadline(now + timeout)
    }

    /// Time left at `now`; zero once the deadline has passed.
    pub fn remaining(self, now: Instant) -> Duration {
        self.0 - now
    }

    /// Whether the deadline has passed at `now`.
    pub fn passed(self, now: Instant) -> bool {
        now >= self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtraction_saturates_instead_of_panicking() {
        let a = Instant::from_origin(Duration::from_millis(5));
        let b = Instant::from_origin(Duration::from_millis(9));
        assert_eq!(b - a, Duration::from_millis(4));
        assert_eq!(a - b, Duration::ZERO);
    }

    #[test]
    fn deadline_counts_down_to_zero() {
        let start = Instant::from_origin(Duration::from_secs(1));
        let d = Deadline::after(start, Duration::from_millis(300));
        assert_eq!(d.remaining(start), Duration::from_millis(300));
        assert!(!d.passed(start + Duration::from_millis(299)));
        assert!(d.passed(start + Duration::from_millis(300)));
        assert_eq!(d.remaining(start + Duration::from_secs(5)), Duration::ZERO);
    }
}
