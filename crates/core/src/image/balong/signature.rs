//! The signature trailer and the `^SIGNVER` announcement (specs/huawei-balong.md §11.4).
//!
//! Only the first two partitions are looked at, and the first signed one wins, as in
//! `balong_flash`. It looks at the **flashed** bytes (after unpacking), so the trailer of
//! a compressed partition is inside its compressed stream.

use super::chain::label;
use super::prefix::DloadId;
use crate::image::flashed;
use crate::image::report::{grouped, Check, VerificationReport};
use crate::image::source::{ByteSource, SourceError};
use crate::image::{ImageError, Partition, SignatureFacts};

/// The last u32 (LE) of a signed partition.
pub const MARKER: u32 = 0xFFAA_AFFA;

/// The flashed bytes the trailer test needs: the signature length (u32 LE at −12) and the
/// marker (u32 LE at −4).
pub const TAIL_LEN: usize = 12;

/// Offset of the public-key hash inside the signature block.
pub const KEY_HASH_AT: u64 = 6;

/// Length of the public-key hash.
pub const KEY_HASH_LEN: usize = 32;

/// The signature length announced by a partition's last [`TAIL_LEN`] flashed bytes, when
/// they end with [`MARKER`].
pub fn announced_length(tail: &[u8; TAIL_LEN]) -> Option<u32> {
    let word = |at: usize| u32::from_le_bytes(tail[at..at + 4].try_into().expect("4 bytes"));
    (word(8) == MARKER).then(|| word(0))
}

/// Looks for the signature in the first two of `partitions` (each with its tail, when
/// known), records the `signature` and `signature-flag` checks, and returns what the
/// flasher must announce.
pub async fn find<S: ByteSource + ?Sized>(
    src: &mut S,
    partitions: &[(Partition, Option<[u8; TAIL_LEN]>)],
    dload_id: DloadId,
    report: &mut VerificationReport,
) -> Result<Option<SignatureFacts>, SourceError> {
    let mut found = None;
    for (partition, tail) in partitions.iter().take(2) {
        let (Some(size), Some(length)) = (partition.flashed_size, tail.as_ref().and_then(announced_length)) else {
            continue;
        };
        let who = label(partition.index, &partition.name);
        let carrier = format!("partition {} ({})", partition.index, partition.name);
        let length = u64::from(length);
        if length < KEY_HASH_AT + KEY_HASH_LEN as u64 || length > size {
            report.push(
                Check::fail(
                    "signature",
                    format!(
                        "{who} ends with a signature marker, but its signature length ({} bytes) does not fit the \
                         partition. The file is damaged.",
                        grouped(length)
                    ),
                )
                .on_partition(partition.index),
            );
            return Ok(None);
        }
        let mut hash = [0; KEY_HASH_LEN];
        match flashed::read_at(src, partition, size - length + KEY_HASH_AT, &mut hash).await {
            Ok(()) => {}
            Err(ImageError::Source(e)) => return Err(e),
            Err(e) => {
                report.push(Check::fail("signature", format!("{who}: the signature cannot be read: {e}.")));
                return Ok(None);
            }
        }
        let key_hash: String = hash.iter().map(|b| format!("{b:02X}")).collect();
        let announce = format!("AT^SIGNVER={},0,{key_hash},{length}", dload_id.content_type());
        report.push(
            Check::pass(
                "signature",
                format!(
                    "The file is signed: {carrier} carries a {}-byte signature. Before flashing, the modem is \
                     told which key to expect with {announce}.",
                    grouped(length)
                ),
            )
            .on_partition(partition.index),
        );
        found = Some(SignatureFacts { partition: partition.index, length, key_hash, announce: Some(announce) });
        break;
    }
    if found.is_none() {
        report.push(Check::pass("signature", "The file is not signed; the modem needs no signature announcement."));
    }
    if found.is_some() != dload_id.says_signed() {
        report.push(Check::warn(
            "signature-flag",
            if found.is_some() {
                format!(
                    "The file carries a signature, but its type byte ({:#04x}) does not mark it as signed. The \
                     signature is announced anyway.",
                    dload_id.0
                )
            } else {
                format!(
                    "The file's type byte ({:#04x}) marks it as signed, but the first two partitions carry no \
                     signature. A modem that insists on signed firmware will refuse it.",
                    dload_id.0
                )
            },
        ));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_and_length_sit_in_the_last_twelve_bytes() {
        let mut tail = [0u8; TAIL_LEN];
        tail[..4].copy_from_slice(&2958u32.to_le_bytes());
        assert_eq!(announced_length(&tail), None);
        tail[8..].copy_from_slice(&[0xFA, 0xAF, 0xAA, 0xFF]);
        assert_eq!(announced_length(&tail), Some(2958));
    }
}
