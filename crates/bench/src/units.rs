//! Sizes, rates and durations as people type them on the command line ("256MiB",
//! "1MB/s", "125us"), and as the tables print them.
//!
//! Throughput is in MB/s with MB = 10^6 bytes, as disk and USB figures are quoted;
//! file sizes accept both decimal (MB) and binary (MiB) units.

use core::time::Duration;
pub use modemflash_core::image::report::grouped;

const SIZE_UNITS: &[(&str, f64)] = &[
    ("", 1.0),
    ("b", 1.0),
    ("kb", 1e3),
    ("mb", 1e6),
    ("gb", 1e9),
    ("kib", 1024.0),
    ("mib", 1024.0 * 1024.0),
    ("gib", 1024.0 * 1024.0 * 1024.0),
];

/// Bit rates, in bytes per second per unit.
const BIT_RATE_UNITS: &[(&str, f64)] =
    &[("bit/s", 1.0 / 8.0), ("kbit/s", 1e3 / 8.0), ("mbit/s", 1e6 / 8.0), ("gbit/s", 1e9 / 8.0)];

const DURATION_UNITS: &[(&str, f64)] = &[("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1.0)];

/// Splits "1.5 MiB" into 1.5 and "mib".
fn number_and_unit(text: &str) -> Option<(f64, String)> {
    let text = text.trim();
    let end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let number: f64 = text[..end].parse().ok()?;
    Some((number, text[end..].trim().to_lowercase()))
}

fn scaled(number: f64, scale: f64) -> Option<u64> {
    let value = (number * scale).round();
    (value.is_finite() && value >= 0.0 && value <= u64::MAX as f64).then_some(value as u64)
}

/// A byte count: `4096`, `256MiB`, `1.5GB`, `64 KiB` (units are case-insensitive).
pub fn parse_size(text: &str) -> Result<u64, String> {
    number_and_unit(text)
        .and_then(|(number, unit)| {
            let scale = SIZE_UNITS.iter().find(|(u, _)| *u == unit)?.1;
            scaled(number, scale)
        })
        .ok_or_else(|| format!("'{text}' is not a size: write a number with B, kB, MB, GB, KiB, MiB or GiB (256MiB)"))
}

/// A bandwidth in bytes per second: `1MB/s`, `30 MB/s`, `512KiB/s`, `12Mbit/s`.
pub fn parse_rate(text: &str) -> Result<u64, String> {
    let error = || format!("'{text}' is not a bandwidth: write a size per second (1MB/s, 512KiB/s) or 12Mbit/s");
    let (number, unit) = number_and_unit(text).ok_or_else(error)?;
    let scale = if let Some(&(_, scale)) = BIT_RATE_UNITS.iter().find(|(u, _)| *u == unit) {
        scale
    } else {
        let per_second = unit.strip_suffix("/s").ok_or_else(error)?;
        SIZE_UNITS.iter().find(|(u, _)| *u == per_second).ok_or_else(error)?.1
    };
    scaled(number, scale).filter(|&r| r > 0).ok_or_else(error)
}

/// A duration: `1ms`, `125us` (or `125µs`), `0.5ms`, `2s`, or a bare `0`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let error = || format!("'{text}' is not a duration: write a number with ns, us, ms or s (125us, 1ms)");
    let (number, unit) = number_and_unit(text).ok_or_else(error)?;
    if unit.is_empty() && number == 0.0 {
        return Ok(Duration::ZERO);
    }
    let scale = DURATION_UNITS.iter().find(|(u, _)| *u == unit).ok_or_else(error)?.1;
    scaled(number, scale * 1e9).map(Duration::from_nanos).ok_or_else(error)
}

/// Decimal megabytes per second.
pub fn mb_per_s(bytes: u64, time: Duration) -> f64 {
    let secs = time.as_secs_f64();
    if secs == 0.0 {
        return f64::INFINITY;
    }
    bytes as f64 / 1e6 / secs
}

/// `256.0 MiB`, `3.2 KiB`, `17 B`.
pub fn binary_size(bytes: u64) -> String {
    const STEPS: &[&str] = &["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut step = 0;
    while value >= 1024.0 && step + 1 < STEPS.len() {
        value /= 1024.0;
        step += 1;
    }
    if step == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", STEPS[step])
    }
}

/// `1 MB/s`, `30 MB/s`, `0.5 MB/s`, `12.5 kB/s`.
pub fn rate(bytes_per_sec: u64) -> String {
    let (value, unit) = if bytes_per_sec >= 1_000_000 {
        (bytes_per_sec as f64 / 1e6, "MB/s")
    } else if bytes_per_sec >= 1_000 {
        (bytes_per_sec as f64 / 1e3, "kB/s")
    } else {
        (bytes_per_sec as f64, "B/s")
    };
    format!("{} {unit}", trimmed(value))
}

/// A duration in s (2 decimals), ms (up to 3) or µs (up to 1): `12.34 s`, `6.512 ms`, `1 ms`, `136.5 µs`.
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 1e-3 {
        format!("{} ms", trimmed(secs * 1e3))
    } else {
        format!("{} µs", trimmed((secs * 1e7).round() / 10.0))
    }
}

/// A number with at most 3 decimals and no trailing zeros.
fn trimmed(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_decimal_and_binary_units() {
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("64 mib"), Ok(64 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("1.5GB"), Ok(1_500_000_000));
        assert_eq!(parse_size("3KiB"), Ok(3072));
        assert_eq!(parse_size("10B"), Ok(10));
    }

    #[test]
    fn malformed_sizes_say_how_to_write_one() {
        for bad in ["", "MiB", "12XB", "-1MiB", "1..2MB"] {
            let error = parse_size(bad).unwrap_err();
            assert!(error.contains("256MiB"), "{bad}: {error}");
        }
    }

    #[test]
    fn rates_are_sizes_per_second_or_bit_rates() {
        assert_eq!(parse_rate("1MB/s"), Ok(1_000_000));
        assert_eq!(parse_rate("30 MB/s"), Ok(30_000_000));
        assert_eq!(parse_rate("512KiB/s"), Ok(512 * 1024));
        assert_eq!(parse_rate("12Mbit/s"), Ok(1_500_000));
        assert!(parse_rate("1MB").is_err(), "a size is not a rate");
        assert!(parse_rate("0MB/s").is_err(), "a link moves some bytes");
    }

    #[test]
    fn durations_take_the_usual_units() {
        assert_eq!(parse_duration("1ms"), Ok(Duration::from_millis(1)));
        assert_eq!(parse_duration("125us"), Ok(Duration::from_micros(125)));
        assert_eq!(parse_duration("125µs"), Ok(Duration::from_micros(125)));
        assert_eq!(parse_duration("0.5ms"), Ok(Duration::from_micros(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("5").is_err(), "a bare number other than 0 has no unit");
        assert!(parse_duration("1h").is_err());
    }

    #[test]
    fn numbers_print_for_people() {
        assert_eq!(binary_size(256 << 20), "256.0 MiB");
        assert_eq!(binary_size(17), "17 B");
        assert_eq!(rate(1_000_000), "1 MB/s");
        assert_eq!(rate(1_500_000), "1.5 MB/s");
        assert_eq!(duration(Duration::from_micros(125)), "125 µs");
        assert_eq!(duration(Duration::from_nanos(136_533)), "136.5 µs");
        assert_eq!(duration(Duration::from_micros(6512)), "6.512 ms");
        assert_eq!(duration(Duration::from_millis(1)), "1 ms");
        assert_eq!(duration(Duration::from_millis(12_340)), "12.34 s");
        assert_eq!(mb_per_s(2_000_000, Duration::from_secs(1)), 2.0);
    }
}
