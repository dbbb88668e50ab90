//! What a person hands over — one file, or several (a folder on the command line; a
//! multi-file selection or a dropped folder in the page) — inspected by the family it
//! holds and read back as one source for the flasher.
//!
//! The CLI and the page both come through here, so they accept and refuse the same
//! things with the same sentences: a `.zip` is a Qualcomm package (docs/qualcomm-package.md),
//! several files are a Qualcomm package when a programmer or partition table is among
//! them and a Balong folder otherwise, one other file is recognised by its content.

use super::balong;
use super::folder::insert_by_name;
use super::qualcomm::{self, ZipMember};
use super::source::Chain;
use super::{inspect, ByteSource, FolderFile, InspectOptions, Inspection, SourceError};

/// One part of a selection's bytes: a file as given, or a file unpacked from a zip.
#[derive(Debug)]
pub enum Piece<S> {
    /// A file, read as needed.
    File(S),
    /// A zip entry, unpacked as it is read.
    Zipped(ZipMember<S>),
}

impl<S: ByteSource> Piece<S> {
    /// Why a zip entry cannot be unpacked, once a read found out ([`ZipMember::damage`]).
    pub fn damage(&self) -> Option<&str> {
        match self {
            Piece::File(_) => None,
            Piece::Zipped(m) => m.damage(),
        }
    }
}

impl<S: ByteSource> ByteSource for Piece<S> {
    fn len(&self) -> u64 {
        match self {
            Piece::File(f) => f.len(),
            Piece::Zipped(m) => m.len(),
        }
    }

    async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
        match self {
            Piece::File(f) => f.read_at(offset, buf).await,
            Piece::Zipped(m) => m.read_at(offset, buf).await,
        }
    }
}

/// An inspected selection and the pieces its bytes come from.
#[derive(Debug)]
pub struct Selection<S> {
    /// What the firmware holds and every check made on it.
    pub inspection: Inspection,
    /// The file, the files or the zip's entries back to back.
    pub source: Chain<Piece<S>>,
}

impl<S: ByteSource> Selection<S> {
    /// Inspects one file: a zipped package, or a firmware file of any family.
    pub async fn of_file(mut file: S, options: &InspectOptions) -> Result<Self, SourceError> {
        let mut start = [0; 4];
        if file.len() >= start.len() as u64 {
            file.read_at(0, &mut start).await?;
        }
        if qualcomm::zip::is_zip(&start) {
            let (inspection, entries) = qualcomm::inspect_zip(file, options).await?;
            let source = Chain::new(entries.into_iter().map(|e| e.source));
            return Ok(Selection { inspection, source });
        }
        let inspection = inspect(&mut file, options).await?;
        Ok(Selection { inspection, source: Chain::new([Piece::File(file)]) })
    }

    /// Inspects several files given together (in any order; sorted by name here, as a
    /// folder listing gives them).
    pub async fn of_files(files: Vec<FolderFile<S>>) -> Result<Self, SourceError> {
        let mut pieces = Vec::with_capacity(files.len());
        for f in files {
            insert_by_name(&mut pieces, FolderFile { name: f.name, source: Piece::File(f.source) });
        }
        let mut files = pieces;
        let inspection = if qualcomm::looks_like_package(files.iter().map(|f| f.name.as_str())) {
            qualcomm::inspect_package(&mut files).await?
        } else {
            balong::inspect_folder(&mut files).await?
        };
        Ok(Selection { inspection, source: Chain::new(files.into_iter().map(|f| f.source)) })
    }

    /// The inspection as the flasher reads it: every partition's offset counted from the
    /// start of [`Selection::source`].
    pub fn for_flashing(&self) -> Inspection {
        self.inspection.chained(|file| self.source.start_of(file))
    }
}
