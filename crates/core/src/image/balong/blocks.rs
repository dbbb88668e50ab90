//! The per-block CRC table of a partition (specs/huawei-balong.md §11.3): entry `i` is
//! CRC-16/X-25 of stored data bytes `[i·blocksize, min((i+1)·blocksize, psize))`.
//!
//! Table and data are read side by side, each through its own [`ChunkedReader`], so any
//! block size and any table size verify with two chunk buffers.

use crate::framing::hdlc::X25;
use crate::image::source::{ByteSource, ChunkedReader, SourceError};

/// Outcome of comparing every block with its table entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockTally {
    /// Blocks checked.
    pub blocks: u64,
    /// Blocks whose CRC differs from the table.
    pub bad: u64,
    /// The first block that differs.
    pub first_bad: Option<u64>,
}

/// Verifies `psize` data bytes at `data_at` against the table at `table_at`.
///
/// The caller has checked that the table holds exactly `ceil(psize / blocksize)`
/// entries, `blocksize > 0`, and that both lie inside the file.
pub async fn verify<S: ByteSource + ?Sized>(
    src: &mut S,
    table_at: u64,
    data_at: u64,
    psize: u64,
    blocksize: u64,
) -> Result<BlockTally, SourceError> {
    let blocks = psize.div_ceil(blocksize);
    let mut table = ChunkedReader::new(table_at, blocks * 2);
    let mut data = ChunkedReader::new(data_at, psize);
    let mut tally = BlockTally { blocks, bad: 0, first_bad: None };
    for block in 0..blocks {
        let mut entry = [0; 2];
        table.read_exact(src, &mut entry).await?;
        let mut digest = X25.digest();
        let mut left = blocksize.min(psize - block * blocksize);
        while left > 0 {
            let piece = data.next(src, usize::try_from(left).unwrap_or(usize::MAX)).await?;
            if piece.is_empty() {
                break;
            }
            digest.update(piece);
            left -= piece.len() as u64;
        }
        if digest.finalize() != u16::from_le_bytes(entry) {
            tally.bad += 1;
            tally.first_bad.get_or_insert(block);
        }
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    /// A table followed by its data, for `blocksize`.
    fn table_and_data(data: &[u8], blocksize: usize) -> Vec<u8> {
        let mut out: Vec<u8> = data.chunks(blocksize).flat_map(|c| X25.checksum(c).to_le_bytes()).collect();
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn worked_example_block_crc_is_da75() {
        // specs/huawei-balong.md §11.8.
        assert_eq!(X25.checksum(b"HELLO"), 0xDA75);
        let mut file = table_and_data(b"HELLO", 4096);
        assert_eq!(
            block_on(verify(&mut file, 0, 2, 5, 4096)).unwrap(),
            BlockTally { blocks: 1, bad: 0, first_bad: None }
        );
    }

    #[test]
    fn counts_every_bad_block_and_names_the_first() {
        let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        for blocksize in [1usize, 7, 4096, 20_000] {
            let mut file = table_and_data(&data, blocksize);
            let table_len = data.len().div_ceil(blocksize) * 2;
            let tally = block_on(verify(&mut file, 0, table_len as u64, 10_000, blocksize as u64)).unwrap();
            assert_eq!(tally.bad, 0, "blocksize {blocksize}");
            file[table_len + 5000] ^= 1;
            file[table_len + 9999] ^= 0x80;
            let tally = block_on(verify(&mut file, 0, table_len as u64, 10_000, blocksize as u64)).unwrap();
            let expected_bad = if 5000 / blocksize == 9999 / blocksize { 1 } else { 2 };
            assert_eq!(tally.bad, expected_bad, "blocksize {blocksize}");
            assert_eq!(tally.first_bad, Some(5000 / blocksize as u64));
        }
    }
}
