//! The NAND "user" partition table sent with PARTITION_TABLE (specs/qualcomm-dload.md
//! §4.4). All fields little-endian.

/// First magic.
pub const MAGIC1: u32 = 0xAA7D_1B9A;
/// Second magic.
pub const MAGIC2: u32 = 0x1F7D_48BC;
/// Table version.
pub const VERSION: u32 = 3;
/// Bytes before the entries.
pub const HEADER_LEN: usize = 16;
/// Bytes per entry.
pub const ENTRY_LEN: usize = 28;
/// The largest table PARTITION_TABLE carries.
pub const MAX_LEN: usize = 512;
/// Entries that fit in [`MAX_LEN`]: 16 + 28·17 = 492.
pub const MAX_ENTRIES: usize = (MAX_LEN - HEADER_LEN) / ENTRY_LEN;

/// One partition of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionEntry {
    /// Name, e.g. `0:AMSS` (at most 15 bytes, NUL-padded to 16 on the wire).
    pub name: String,
    /// Size in KiB; `0xFFFFFFFF` means "the rest of the flash".
    pub size_kib: u32,
    /// Padding in KiB.
    pub pad_kib: u16,
    /// Which flash.
    pub which_flash: u16,
    /// Attribute bytes, copied verbatim from the vendor's table.
    pub attributes: [u8; 4],
}

impl PartitionEntry {
    /// Whether an image of `len` bytes fits this partition.
    pub fn fits(&self, len: u64) -> bool {
        self.size_kib == u32::MAX || len <= u64::from(self.size_kib) * 1024
    }
}

/// A parsed partition table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionTable {
    /// The entries, in table order.
    pub entries: Vec<PartitionEntry>,
}

/// Why bytes are not a partition table.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// Shorter than the header or than its entries.
    #[error("the partition table is cut short ({len} bytes)")]
    Truncated {
        /// Bytes present.
        len: usize,
    },
    /// Wrong magic numbers: not a §4.4 table (perhaps the on-flash MIBIB one).
    #[error("the partition table has the wrong magic numbers (is it the on-flash MIBIB table?)")]
    BadMagic,
    /// A version other than 3.
    #[error("the partition table has version {0}, expected 3")]
    BadVersion(u32),
    /// More than [`MAX_ENTRIES`] entries (over 512 bytes).
    #[error("the partition table lists {0} partitions; at most 17 fit in 512 bytes")]
    TooMany(u32),
    /// A name that is not NUL-terminated ASCII.
    #[error("partition {index} has a name that is not NUL-terminated text")]
    BadName {
        /// Entry index.
        index: usize,
    },
}

impl PartitionTable {
    /// Parses a table; trailing bytes after the last entry are ignored.
    pub fn parse(bytes: &[u8]) -> Result<PartitionTable, TableError> {
        let word = |at: usize| bytes.get(at..at + 4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
        let truncated = || TableError::Truncated { len: bytes.len() };
        let (m1, m2) = (word(0).ok_or_else(truncated)?, word(4).ok_or_else(truncated)?);
        if (m1, m2) != (MAGIC1, MAGIC2) {
            return Err(TableError::BadMagic);
        }
        let version = word(8).ok_or_else(truncated)?;
        if version != VERSION {
            return Err(TableError::BadVersion(version));
        }
        let n = word(12).ok_or_else(truncated)?;
        if n as usize > MAX_ENTRIES {
            return Err(TableError::TooMany(n));
        }
        let body = bytes.get(HEADER_LEN..HEADER_LEN + n as usize * ENTRY_LEN).ok_or_else(truncated)?;
        let entries = body
            .chunks_exact(ENTRY_LEN)
            .enumerate()
            .map(|(index, e)| {
                let end = e[..16].iter().position(|&b| b == 0).ok_or(TableError::BadName { index })?;
                let name = std::str::from_utf8(&e[..end]).map_err(|_| TableError::BadName { index })?;
                if name.is_empty() || !name.is_ascii() {
                    return Err(TableError::BadName { index });
                }
                Ok(PartitionEntry {
                    name: name.to_string(),
                    size_kib: u32::from_le_bytes([e[16], e[17], e[18], e[19]]),
                    pad_kib: u16::from_le_bytes([e[20], e[21]]),
                    which_flash: u16::from_le_bytes([e[22], e[23]]),
                    attributes: [e[24], e[25], e[26], e[27]],
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(PartitionTable { entries })
    }

    /// The table's bytes: 16 + 28·n.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + ENTRY_LEN * self.entries.len());
        for w in [MAGIC1, MAGIC2, VERSION, self.entries.len() as u32] {
            out.extend_from_slice(&w.to_le_bytes());
        }
        for e in &self.entries {
            let mut name = [0u8; 16];
            let len = e.name.len().min(15);
            name[..len].copy_from_slice(&e.name.as_bytes()[..len]);
            out.extend_from_slice(&name);
            out.extend_from_slice(&e.size_kib.to_le_bytes());
            out.extend_from_slice(&e.pad_kib.to_le_bytes());
            out.extend_from_slice(&e.which_flash.to_le_bytes());
            out.extend_from_slice(&e.attributes);
        }
        out
    }

    /// The entry named `name`.
    pub fn entry(&self, name: &str) -> Option<(usize, &PartitionEntry)> {
        self.entries.iter().enumerate().find(|(_, e)| e.name == name)
    }
}
