//! Firmware versions as dongles report them (`22.315.01.00.00`, `SWI9X30C_02.24.05.06`,
//! `BD_MF626V1.0.0B05`): ordered part by part, and matched against a vendor's pattern.

use core::cmp::Ordering;

/// Orders two versions: split at `.`, `_` and `-`, then runs of digits compare as numbers
/// and other text case-insensitively, so `22.333.01` > `22.315.01` and `10` > `9`. A
/// version that is a prefix of the other is the older one.
pub fn compare(a: &str, b: &str) -> Ordering {
    let mut left = parts(a);
    let mut right = parts(b);
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match compare_part(x, y) {
                Ordering::Equal => {}
                other => return other,
            },
        }
    }
}

/// The runs of digits and of other characters, without the separators.
fn parts(version: &str) -> impl Iterator<Item = &str> {
    version.trim().split(['.', '_', '-', ' ']).filter(|p| !p.is_empty()).flat_map(|part| {
        let mut rest = part;
        core::iter::from_fn(move || {
            let first = rest.chars().next()?;
            let end = rest.find(|c: char| c.is_ascii_digit() != first.is_ascii_digit()).unwrap_or(rest.len());
            let (run, tail) = rest.split_at(end);
            rest = tail;
            Some(run)
        })
    })
}

fn compare_part(x: &str, y: &str) -> Ordering {
    let numeric = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    match (numeric(x), numeric(y)) {
        (true, true) => {
            let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        }
        // A number sorts before text (`1.0.1` < `1.0.beta`), as the two cannot be compared.
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()),
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters
/// (none included); everything else compares without case.
pub fn matches(pattern: &str, text: &str) -> bool {
    let pattern = pattern.trim().to_ascii_lowercase();
    let text = text.trim().to_ascii_lowercase();
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else { return rest.is_empty() };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huawei_versions_order_part_by_part() {
        assert_eq!(compare("22.333.01.00.00", "22.315.01.00.00"), Ordering::Greater);
        assert_eq!(compare("22.315.01.00.00", "22.315.01.00.00"), Ordering::Equal);
        assert_eq!(compare("21.180.01.00.00", "22.1.0.0.0"), Ordering::Less);
        assert_eq!(compare("2.10", "2.9"), Ordering::Greater);
        assert_eq!(compare("2.010", "2.10"), Ordering::Equal);
        assert_eq!(compare("2.1", "2.1.1"), Ordering::Less);
    }

    #[test]
    fn mixed_text_and_digits_compare_by_run() {
        assert_eq!(compare("BD_MF626V1.0.0B05", "BD_MF626V1.0.0B12"), Ordering::Less);
        assert_eq!(compare("SWI9X30C_02.24.05.06", "swi9x30c_02.30.01.01"), Ordering::Less);
        assert_eq!(compare("1.0.1", "1.0.beta"), Ordering::Less);
    }

    #[test]
    fn patterns_match_with_stars_and_without_case() {
        assert!(matches("22.*", "22.315.01.00.00"));
        assert!(matches("*", "anything"));
        assert!(matches("22.*.01.*", "22.315.01.00.00"));
        assert!(matches("swi9x30c_*", "SWI9X30C_02.24.05.06"));
        assert!(matches("22.315.01.00.00", "22.315.01.00.00"));
        assert!(!matches("22.*", "21.180.01.00.00"));
        assert!(!matches("22.315", "22.315.01.00.00"));
        assert!(!matches("*.00.01", "22.315.01.00.00"));
        assert!(!matches("22.*.01.*.99", "22.315.01.00.00"));
    }
}
