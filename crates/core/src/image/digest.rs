//! SHA-256 of a whole firmware file, streamed in [`CHUNK`]-sized reads, and the
//! checksum a user pastes from the place they downloaded the file.

use core::fmt;
use core::str::FromStr;

use sha2::{Digest, Sha256};

use super::report::{Check, VerificationReport};
use super::source::{ByteSource, ChunkedReader, SourceError, CHUNK};

/// A SHA-256 digest. Displays and serialises as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Digest(pub [u8; 32]);

impl Sha256Digest {
    /// Hashes `src` and records it in `report`: the checksum, and whether it equals the
    /// one the person pasted from the vendor's page, if any. Every one-file family
    /// starts its report this way.
    pub async fn record<S: ByteSource + ?Sized>(
        src: &mut S,
        expected: Option<&Sha256Digest>,
        report: &mut VerificationReport,
    ) -> Result<Sha256Digest, SourceError> {
        let sha256 = Sha256Digest::of(src).await?;
        report.push(Check::pass("sha256", format!("The file's SHA-256 checksum is {sha256}.")));
        if let Some(expected) = expected {
            report.push(sha256.check_expected(expected));
        }
        Ok(sha256)
    }

    /// Hashes every byte of `src`, front to back.
    pub async fn of<S: ByteSource + ?Sized>(src: &mut S) -> Result<Sha256Digest, SourceError> {
        let mut reader = ChunkedReader::new(0, src.len());
        let mut hasher = Sha256::new();
        loop {
            let piece = reader.next(src, CHUNK).await?;
            if piece.is_empty() {
                return Ok(Sha256Digest(hasher.finalize().into()));
            }
            hasher.update(piece);
        }
    }

    /// Compares the file's digest (`self`) with the one the user entered.
    pub fn check_expected(&self, expected: &Sha256Digest) -> Check {
        if self == expected {
            Check::pass("expected-sha256", "The file's SHA-256 checksum matches the one you entered.")
        } else {
            Check::fail(
                "expected-sha256",
                format!(
                    "The file's SHA-256 checksum is {self}, not the {expected} you entered: the download is damaged \
                     or this is a different file. Download it again, or check that you copied the right checksum."
                ),
            )
        }
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Digest({self})")
    }
}

impl serde::Serialize for Sha256Digest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Why a pasted checksum is not a SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestParseError {
    /// A character other than a hex digit or white space.
    #[error(
        "'{found}' is not a hexadecimal digit: a SHA-256 checksum uses only 0-9 and a-f. \
         Copy the checksum again, without any file name or label."
    )]
    NotHex {
        /// The offending character.
        found: char,
    },
    /// Hex digits, but not 64 of them.
    #[error(
        "a SHA-256 checksum has 64 hexadecimal digits, this one has {digits}. \
         Copy the whole checksum again (it may be a different kind, such as MD5 or SHA-1)."
    )]
    WrongLength {
        /// How many hex digits were entered.
        digits: usize,
    },
}

impl FromStr for Sha256Digest {
    type Err = DigestParseError;

    /// Accepts upper or lower case, with white space anywhere (pasted in groups or
    /// across lines).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut digest = [0u8; 32];
        let mut digits = 0usize;
        for c in s.chars().filter(|c| !c.is_whitespace()) {
            let value = c.to_digit(16).ok_or(DigestParseError::NotHex { found: c })? as u8;
            if let Some(byte) = digest.get_mut(digits / 2) {
                *byte = (*byte << 4) | value;
            }
            digits += 1;
        }
        if digits != 64 {
            return Err(DigestParseError::WrongLength { digits });
        }
        Ok(Sha256Digest(digest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::report::Outcome;
    use futures::executor::block_on;

    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn hashes_a_source_across_chunks() {
        assert_eq!(block_on(Sha256Digest::of(&mut &b"abc"[..])).unwrap().to_string(), ABC);
        let mut big = vec![0x5Au8; CHUNK * 2 + 3];
        let streamed = block_on(Sha256Digest::of(&mut big)).unwrap();
        assert_eq!(streamed.0, <[u8; 32]>::from(Sha256::digest(&big)));
    }

    #[test]
    fn pasted_checksums_tolerate_case_and_spaces() {
        let spaced = "BA7816BF 8f01cfea 414140de 5dae2223\n b00361a3 96177a9c b410ff61 f20015ad ";
        assert_eq!(spaced.parse::<Sha256Digest>().unwrap().to_string(), ABC);
    }

    #[test]
    fn malformed_checksums_say_what_is_wrong() {
        assert_eq!("ba78 zz".parse::<Sha256Digest>(), Err(DigestParseError::NotHex { found: 'z' }));
        assert_eq!(ABC[..40].parse::<Sha256Digest>(), Err(DigestParseError::WrongLength { digits: 40 }));
        assert_eq!(format!("{ABC}00").parse::<Sha256Digest>(), Err(DigestParseError::WrongLength { digits: 66 }));
        assert_eq!("".parse::<Sha256Digest>(), Err(DigestParseError::WrongLength { digits: 0 }));
    }

    #[test]
    fn a_different_expected_checksum_fails_with_both_values() {
        let actual: Sha256Digest = ABC.parse().unwrap();
        assert_eq!(actual.check_expected(&actual).outcome, Outcome::Pass);
        let other = Sha256Digest([0; 32]);
        let check = actual.check_expected(&other);
        assert_eq!(check.outcome, Outcome::Fail);
        assert!(check.sentence.contains(ABC) && check.sentence.contains(&other.to_string()), "{}", check.sentence);
    }
}
