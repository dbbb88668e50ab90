//! Zipped Qualcomm packages (docs/qualcomm-package.md): the package's files at the top
//! level of a `.zip` (a folder inside is flattened), stored or deflated.
//!
//! The zip is read in place through its [`ByteSource`], as the page reads a `Blob`: the
//! end record and the central directory (PKWARE APPNOTE §4.3.16, §4.3.12) once, then
//! each entry as a [`ZipMember`], itself a byte source that inflates its entry chunk by
//! chunk while it is read front to back. A package of hundreds of MiB is never held in
//! memory; at most one [`CHUNK`] of packed and one of unpacked bytes per member.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::LazyLock;

use flate2::{Decompress, FlushDecompress, Status};

use crate::image::cwe::header::JAMCRC;
use crate::image::folder::{insert_by_name, FolderFile};
use crate::image::source::{ByteSource, SourceError, CHUNK};

/// The largest unpacked entry.
pub const MAX_ENTRY: u64 = 256 << 20;

/// The most entries a package zip may hold.
pub const MAX_ENTRIES: usize = 64;

/// A local file header's signature: every zip with entries starts with one.
pub const MAGIC: [u8; 4] = *b"PK\x03\x04";

/// The end of central directory record (APPNOTE §4.3.16): 22 bytes and a comment.
const END_MAGIC: [u8; 4] = *b"PK\x05\x06";
const END_LEN: usize = 22;
const MAX_COMMENT: usize = 0xFFFF;

/// A central directory file header (§4.3.12): 46 bytes, then name, extra, comment.
const CENTRAL_MAGIC: [u8; 4] = *b"PK\x01\x02";
const CENTRAL_LEN: usize = 46;

/// A local file header (§4.3.7): 30 bytes, then name and extra field.
const LOCAL_LEN: usize = 30;

/// General purpose flag bit 0: the entry is encrypted (§4.4.4).
const ENCRYPTED: u16 = 1;

/// The CRC-32 of every zip entry (§4.4.7, CRC-32/ISO-HDLC) is the Sierra CWE's
/// CRC-32/JAMCRC inverted: computed with that table, the page carries one 16 KiB table,
/// not two (built at first use, like it).
static CRC32: &LazyLock<crc::Crc<u32, crc::Table<16>>> = &JAMCRC;

/// Whether `start` (the first bytes of a file) is a zip, an empty one included (which
/// is then refused as a package holding nothing, not as an unknown file).
pub fn is_zip(start: &[u8]) -> bool {
    start.starts_with(&MAGIC) || start.starts_with(&END_MAGIC)
}

/// How an entry's bytes are stored (§4.4.5); packages use no other method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Stored,
    Deflated,
}

/// The zip itself, lent to one member at a time: members read one after the other
/// (the page and the flasher never read two files at once), so no lock is needed, and
/// a read while another is in flight is refused rather than interleaved.
struct Archive<S>(Rc<Cell<Option<S>>>);

impl<S> Clone for Archive<S> {
    fn clone(&self) -> Self {
        Archive(Rc::clone(&self.0))
    }
}

impl<S: ByteSource> Archive<S> {
    async fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
        let mut src = self.0.take().ok_or_else(|| SourceError::Io("two files of the zip were read at once".into()))?;
        let result = src.read_at(offset, buf).await;
        self.0.set(Some(src));
        result
    }
}

/// One entry of a package zip, read as the file it holds.
pub struct ZipMember<S> {
    archive: Archive<S>,
    name: String,
    method: Method,
    crc32: u32,
    /// Where the entry's packed bytes start in the zip, and how many there are.
    data: u64,
    packed: u64,
    /// Unpacked size.
    size: u64,
    cursor: Cursor,
    /// Why the entry cannot be unpacked, once that is known.
    damage: Option<String>,
}

impl<S> std::fmt::Debug for ZipMember<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZipMember").field("name", &self.name).field("size", &self.size).finish_non_exhaustive()
    }
}

/// The front-to-back read of an entry: what was unpacked last, and the CRC-32 so far.
struct Cursor {
    /// The unpacked bytes of the entry starting at `start`, the last ones produced.
    window: Vec<u8>,
    start: u64,
    /// Packed bytes taken from the zip, the part of `input` not yet inflated, and the inflater.
    taken: u64,
    input: Vec<u8>,
    used: usize,
    inflater: Decompress,
    crc: crc::Digest<'static, u32, crc::Table<16>>,
}

impl Cursor {
    fn new() -> Self {
        Cursor {
            window: Vec::new(),
            start: 0,
            taken: 0,
            input: Vec::new(),
            used: 0,
            inflater: Decompress::new(false),
            crc: CRC32.digest(),
        }
    }

    fn end(&self) -> u64 {
        self.start + self.window.len() as u64
    }

    /// Inflates at least `want` more bytes into the window (fewer only at the stream's
    /// end), taking packed bytes from `archive` (`packed` of them from `data`) as needed;
    /// `Ok(Err(reason))` for a damaged stream.
    async fn inflate<S: ByteSource>(
        &mut self,
        archive: &Archive<S>,
        data: u64,
        packed: u64,
        want: usize,
    ) -> Result<Result<(), String>, SourceError> {
        // The window only ever grows into its spare capacity: no byte is dropped.
        self.window.reserve_exact(want);
        while self.window.len() < want {
            if self.used == self.input.len() && self.taken < packed {
                let n = (packed - self.taken).min(CHUNK as u64) as usize;
                self.input.resize(n, 0);
                archive.read_at(data + self.taken, &mut self.input).await?;
                self.taken += n as u64;
                self.used = 0;
            }
            let (in_before, out_before) = (self.inflater.total_in(), self.inflater.total_out());
            let status =
                self.inflater.decompress_vec(&self.input[self.used..], &mut self.window, FlushDecompress::None);
            self.used += (self.inflater.total_in() - in_before) as usize;
            match status {
                Err(e) => return Ok(Err(format!("its deflate data is damaged: {e}"))),
                Ok(Status::StreamEnd) => break,
                Ok(_) if (self.inflater.total_in(), self.inflater.total_out()) == (in_before, out_before) => {
                    let ended = self.used == self.input.len() && self.taken == packed;
                    return Ok(Err(
                        if ended { "its deflate data ends early" } else { "its deflate data is damaged" }.into()
                    ));
                }
                Ok(_) => {}
            }
        }
        Ok(Ok(()))
    }
}

impl<S: ByteSource> ZipMember<S> {
    /// Why the entry cannot be unpacked (a CRC-32 that does not match, a damaged or
    /// short deflate stream), once a read found out.
    pub fn damage(&self) -> Option<&str> {
        self.damage.as_deref()
    }

    fn damaged(&mut self, reason: String) -> SourceError {
        let sentence = format!("{} cannot be unpacked ({reason})", self.name);
        self.damage = Some(sentence.clone());
        SourceError::Io(sentence)
    }

    /// Moves the window to the next unpacked bytes (at most about [`CHUNK`]), checking
    /// the CRC-32 when the entry's end is reached.
    async fn advance(&mut self) -> Result<(), SourceError> {
        let start = self.cursor.end();
        self.cursor.start = start;
        self.cursor.window.clear();
        let want = (self.size - start).min(CHUNK as u64) as usize;
        match self.method {
            Method::Stored => {
                self.cursor.window.resize(want, 0);
                self.archive.read_at(self.data + start, &mut self.cursor.window).await?;
            }
            Method::Deflated => {
                if let Err(reason) = self.cursor.inflate(&self.archive, self.data, self.packed, want).await? {
                    return Err(self.damaged(reason));
                }
            }
        }
        if self.cursor.end() > self.size {
            return Err(self.damaged(format!("it unpacks to more than the {} bytes the zip gives", self.size)));
        }
        if self.cursor.window.is_empty() && want > 0 {
            return Err(self.damaged(format!("its data ends before its {} bytes", self.size)));
        }
        self.cursor.crc.update(&self.cursor.window);
        if self.cursor.end() == self.size {
            let crc = !std::mem::replace(&mut self.cursor.crc, CRC32.digest()).finalize();
            if crc != self.crc32 {
                return Err(self.damaged("its CRC-32 does not match: the zip is damaged".into()));
            }
            // Read to the end: the packed bytes are spent (a read further back starts over).
            (self.cursor.input, self.cursor.used) = (Vec::new(), 0);
        }
        Ok(())
    }
}

impl<S: ByteSource> ByteSource for ZipMember<S> {
    fn len(&self) -> u64 {
        self.size
    }

    async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
        if offset.checked_add(buf.len() as u64).is_none_or(|end| end > self.size) {
            return Err(SourceError::OutOfRange { offset, len: buf.len(), size: self.size });
        }
        if offset < self.cursor.start {
            // Deflate streams only go forward: start the entry over.
            self.cursor = Cursor::new();
        }
        let mut filled = 0;
        while filled < buf.len() {
            let at = offset + filled as u64;
            if at >= self.cursor.end() {
                self.advance().await?;
                continue;
            }
            let from = (at - self.cursor.start) as usize;
            let n = (self.cursor.window.len() - from).min(buf.len() - filled);
            buf[filled..filled + n].copy_from_slice(&self.cursor.window[from..from + n]);
            filled += n;
        }
        Ok(())
    }
}

/// The files of a package zip, sorted by name, each unpacked as it is read; `Ok(Err(reason))`
/// for a zip that cannot be used, in words for the verification report.
pub async fn members<S: ByteSource>(mut src: S) -> Result<Result<Vec<FolderFile<ZipMember<S>>>, String>, SourceError> {
    let directory = match read_directory(&mut src).await? {
        Ok(d) => d,
        Err(reason) => return Ok(Err(format!("the zip cannot be read ({reason})"))),
    };
    let entries = match parse_directory(&directory) {
        Ok(entries) => entries,
        Err(reason) => return Ok(Err(reason)),
    };
    let mut located = Vec::with_capacity(entries.len());
    for entry in entries {
        match locate(&mut src, &entry).await? {
            Ok(data) => located.push((entry, data)),
            Err(reason) => return Ok(Err(format!("entry {} of the zip cannot be read ({reason})", entry.name))),
        }
    }
    let archive = Archive(Rc::new(Cell::new(Some(src))));
    let mut files = Vec::with_capacity(located.len());
    for (e, data) in located {
        let file = FolderFile {
            name: e.name.clone(),
            source: ZipMember {
                archive: archive.clone(),
                name: e.name,
                method: e.method,
                crc32: e.crc32,
                data,
                packed: e.packed,
                size: e.size,
                cursor: Cursor::new(),
                damage: None,
            },
        };
        insert_by_name(&mut files, file);
    }
    Ok(Ok(files))
}

/// An entry as the central directory describes it.
struct Entry {
    name: String,
    method: Method,
    crc32: u32,
    packed: u64,
    size: u64,
    /// Where its local header is.
    header: u64,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Finds the end record in the zip's last bytes and reads the central directory.
async fn read_directory<S: ByteSource>(src: &mut S) -> Result<Result<Vec<u8>, String>, SourceError> {
    let tail_len = src.len().min((END_LEN + MAX_COMMENT) as u64);
    let mut tail = vec![0; tail_len as usize];
    src.read_at(src.len() - tail_len, &mut tail).await?;
    let Some(end) = (0..tail.len().saturating_sub(END_LEN - 1)).rev().find(|&i| tail[i..].starts_with(&END_MAGIC))
    else {
        return Ok(Err("its end of central directory is missing".into()));
    };
    let record = &tail[end..end + END_LEN];
    if u16_at(record, 4) != 0 || u16_at(record, 6) != 0 {
        return Ok(Err("it is split over several disks".into()));
    }
    let (count, size, offset) = (u16_at(record, 10), u32_at(record, 12), u32_at(record, 16));
    if count as usize > MAX_ENTRIES {
        return Ok(Err(format!("it holds {count} entries; a package has at most {MAX_ENTRIES}")));
    }
    if count == 0xFFFF || size == u32::MAX || offset == u32::MAX {
        return Ok(Err("it is a Zip64 archive, which no package needs".into()));
    }
    let directory_end = src.len() - tail_len + end as u64;
    if u64::from(offset) + u64::from(size) > directory_end || size as usize > CHUNK {
        return Ok(Err("its central directory lies outside the file".into()));
    }
    let mut directory = vec![0; size as usize];
    src.read_at(offset.into(), &mut directory).await?;
    if directory.len() < count as usize * CENTRAL_LEN {
        return Ok(Err("its central directory is shorter than its entries".into()));
    }
    Ok(Ok(directory))
}

/// The file entries of the central directory, folders left out and names flattened.
fn parse_directory(directory: &[u8]) -> Result<Vec<Entry>, String> {
    let unreadable = |what: &str| format!("the zip cannot be read ({what})");
    let mut entries: Vec<Entry> = Vec::new();
    let mut at = 0;
    while at < directory.len() {
        let header = directory.get(at..at + CENTRAL_LEN).filter(|h| h.starts_with(&CENTRAL_MAGIC));
        let header = header.ok_or_else(|| unreadable("a central directory entry is damaged"))?;
        let (name_len, extra_len, comment_len) =
            (u16_at(header, 28) as usize, u16_at(header, 30) as usize, u16_at(header, 32) as usize);
        let raw_name = directory
            .get(at + CENTRAL_LEN..at + CENTRAL_LEN + name_len)
            .ok_or_else(|| unreadable("a file name runs past the central directory"))?;
        let path = String::from_utf8_lossy(raw_name).replace('\\', "/");
        at += CENTRAL_LEN + name_len + extra_len + comment_len;
        if path.ends_with('/') {
            continue;
        }
        if entries.len() == MAX_ENTRIES {
            return Err(format!("the zip holds more than {MAX_ENTRIES} files; a package has at most {MAX_ENTRIES}"));
        }
        let name = path.rsplit('/').next().unwrap_or_default().to_string();
        // Nothing is unpacked to disk, but a name that climbs out of the folder (`../`,
        // absolute) is how a hostile zip looks: no package is made that way.
        let climbs = path.starts_with('/') || path.split('/').any(|part| part == "..");
        if climbs || name.is_empty() || name == ".." || name == "." {
            return Err(format!("{path} is not a usable file name"));
        }
        if u16_at(header, 8) & ENCRYPTED != 0 {
            return Err(format!("{path} is encrypted; packages are not"));
        }
        let method = match u16_at(header, 10) {
            0 => Method::Stored,
            8 => Method::Deflated,
            other => return Err(format!("{path} is packed with method {other}; packages are stored or deflated")),
        };
        let (packed, size, local) = (u32_at(header, 20), u32_at(header, 24), u32_at(header, 42));
        if [packed, size, local].contains(&u32::MAX) {
            return Err(unreadable("it is a Zip64 archive, which no package needs"));
        }
        if u64::from(size) > MAX_ENTRY {
            return Err(format!("{name} unpacks to more than {} MiB", MAX_ENTRY >> 20));
        }
        if method == Method::Stored && packed != size {
            return Err(format!("{name} cannot be unpacked (stored with two different sizes)"));
        }
        if entries.iter().any(|e| e.name == name) {
            return Err(format!("the zip holds two files named {name}; keep one"));
        }
        entries.push(Entry {
            name,
            method,
            crc32: u32_at(header, 16),
            packed: packed.into(),
            size: size.into(),
            header: local.into(),
        });
    }
    Ok(entries)
}

/// Where the packed bytes of `entry` start: after its local header, whose name and extra
/// field may differ in length from the central directory's (§4.3.7).
async fn locate<S: ByteSource>(src: &mut S, entry: &Entry) -> Result<Result<u64, String>, SourceError> {
    let mut local = [0u8; LOCAL_LEN];
    if entry.header + LOCAL_LEN as u64 > src.len() {
        return Ok(Err("its header lies outside the file".into()));
    }
    src.read_at(entry.header, &mut local).await?;
    if !local.starts_with(&MAGIC) {
        return Ok(Err("its header is damaged".into()));
    }
    let data = entry.header + (LOCAL_LEN + u16_at(&local, 26) as usize + u16_at(&local, 28) as usize) as u64;
    if data + entry.packed > src.len() {
        return Ok(Err("its data lies outside the file".into()));
    }
    Ok(Ok(data))
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;

    use super::*;

    fn zip_of(files: &[(&str, &[u8])], method: ::zip::CompressionMethod) -> Vec<u8> {
        use std::io::Write;
        let mut zip = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = ::zip::write::SimpleFileOptions::default().compression_method(method);
        zip.add_directory("pkg/", options).unwrap();
        for (name, bytes) in files {
            zip.start_file(format!("pkg/{name}"), options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn big() -> Vec<u8> {
        (0..3 * CHUNK + 17).map(|i| (i / 7 % 251) as u8).collect()
    }

    #[test]
    fn members_read_back_their_files_at_any_offset_stored_or_deflated() {
        let data = big();
        for method in [::zip::CompressionMethod::Stored, ::zip::CompressionMethod::Deflated] {
            let zip = zip_of(&[("b.mbn", &data), ("a.bin", b"tiny")], method);
            let mut files = block_on(members(zip.as_slice())).unwrap().unwrap();
            let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(names, ["a.bin", "b.mbn"], "flattened and sorted");
            let member = &mut files[1].source;
            assert_eq!(member.len(), data.len() as u64);
            let mut whole = vec![0; data.len()];
            block_on(member.read_at(0, &mut whole)).unwrap();
            assert!(whole == data, "{method:?}: the whole entry");
            let mut piece = vec![0; 1000];
            block_on(member.read_at(CHUNK as u64 - 10, &mut piece)).unwrap();
            assert_eq!(piece, data[CHUNK - 10..CHUNK + 990], "{method:?}: backwards, across a chunk boundary");
            assert!(block_on(member.read_at(data.len() as u64 - 5, &mut piece)).is_err());
            assert_eq!(member.damage(), None);
        }
    }

    #[test]
    fn a_flipped_byte_in_an_entry_is_named_as_damage() {
        let data = big();
        for method in [::zip::CompressionMethod::Stored, ::zip::CompressionMethod::Deflated] {
            let mut zip = zip_of(&[("amss.mbn", &data)], method);
            let at = zip.windows(8).position(|w| w == b"amss.mbn").unwrap() + 8 + 2000;
            zip[at] ^= 0x40;
            let mut files = block_on(members(zip.as_slice())).unwrap().unwrap();
            let member = &mut files[0].source;
            let mut whole = vec![0; data.len()];
            assert!(block_on(member.read_at(0, &mut whole)).is_err(), "{method:?}");
            let damage = member.damage().unwrap();
            assert!(damage.starts_with("amss.mbn cannot be unpacked ("), "{damage}");
        }
    }

    proptest::proptest! {
        /// Whatever bytes of a zip are changed, reading it gives a reason or the entries,
        /// and reading an entry gives its bytes or an error naming the damage: never a
        /// panic, never more bytes than the directory said.
        #[test]
        fn damaged_zips_are_refused_or_read_never_panic(
            changes in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 1..8),
            stored in proptest::prelude::any::<bool>(),
        ) {
            let method = if stored { ::zip::CompressionMethod::Stored } else { ::zip::CompressionMethod::Deflated };
            let data: Vec<u8> = (0..3000u32).map(|i| (i * 7 / 5) as u8).collect();
            let mut zip = zip_of(&[("amss.mbn", &data), ("partition.mbn", b"table")], method);
            for (at, byte) in changes {
                let len = zip.len();
                zip[at % len] = byte;
            }
            if let Ok(mut files) = block_on(members(zip.as_slice())).unwrap() {
                for file in &mut files {
                    // A damaged size may claim up to MAX_ENTRY: read the first MiB of it.
                    let mut start = vec![0; file.source.len().min(1 << 20) as usize];
                    if block_on(file.source.read_at(0, &mut start)).is_err() {
                        proptest::prop_assert!(file.source.damage().is_some());
                    }
                }
            }
        }
    }

    #[test]
    fn unusable_zips_are_refused_in_words() {
        let zip = zip_of(&[("a.mbn", b"1"), ("b.mbn", b"2")], ::zip::CompressionMethod::Stored);
        let reason = |bytes: &[u8]| block_on(members(bytes)).unwrap().unwrap_err();
        assert!(reason(&zip[..zip.len() - 30]).contains("end of central directory is missing"));
        let twice = {
            use std::io::Write;
            let mut z = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let options = ::zip::write::SimpleFileOptions::default();
            for dir in ["x/", "y/"] {
                z.start_file(format!("{dir}amss.mbn"), options).unwrap();
                z.write_all(b"1").unwrap();
            }
            z.finish().unwrap().into_inner()
        };
        assert_eq!(reason(&twice), "the zip holds two files named amss.mbn; keep one");
    }
}
