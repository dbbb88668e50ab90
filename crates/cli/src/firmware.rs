//! A firmware file or folder from the command line, inspected: what `inspect` prints and
//! what `flash` writes.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use futures::executor::block_on;
use modemflash_core::image::balong::FolderFile;
use modemflash_core::image::cwe::{self, tree::CweNode};
use modemflash_core::image::file::FileSource;
use modemflash_core::image::{Chain, Family, InspectOptions, Piece, Selection};
use modemflash_core::image::{Inspection, Sha256Digest, SourceError};

/// An inspected image and the files its bytes come from.
pub struct Firmware {
    /// What the image holds and every check made on it.
    pub inspection: Inspection,
    /// The file, the folder's files or the zip's entries back to back.
    pub source: Chain<Piece<FileSource>>,
    /// A Sierra CWE file's tree of nested images, in pre-order (empty for other families).
    pub nested: Vec<CweNode>,
}

/// Why a firmware file or folder could not be read at all (exit status 2).
#[derive(Debug)]
pub enum LoadError {
    /// It does not exist, or may not be read.
    Unreadable {
        /// The path given.
        path: PathBuf,
        /// The operating system's words.
        reason: io::Error,
    },
    /// It was opened but reading it failed part way.
    Read {
        /// The path given.
        path: PathBuf,
        /// What failed.
        error: SourceError,
    },
    /// `--sha256` names one file's checksum; a folder has none.
    ChecksumOfFolder {
        /// The folder given.
        path: PathBuf,
    },
}

impl LoadError {
    /// What the person should do about it.
    pub fn next_step(&self) -> &'static str {
        match self {
            LoadError::Unreadable { reason, .. } if reason.kind() == io::ErrorKind::NotFound => {
                "Check the path: give the firmware's .bin or .exe file, or a folder of NN-CCCCCCCC-Name.bin images."
            }
            LoadError::Unreadable { reason, .. } if reason.kind() == io::ErrorKind::PermissionDenied => {
                "Make the file readable for your user (or copy it somewhere you own), then try again."
            }
            LoadError::Unreadable { .. } => "Check that the path is a readable file or folder, then try again.",
            LoadError::Read { error, .. } => error.next_step(),
            LoadError::ChecksumOfFolder { .. } => {
                "Leave out --sha256 for a folder, or give the single firmware file the checksum belongs to."
            }
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Unreadable { path, reason } if reason.kind() == io::ErrorKind::NotFound => {
                write!(f, "{} does not exist", path.display())
            }
            LoadError::Unreadable { path, reason } => write!(f, "cannot read {}: {reason}", path.display()),
            LoadError::Read { path, error } => write!(f, "{}: {error}", path.display()),
            LoadError::ChecksumOfFolder { path } => {
                write!(f, "--sha256 checks one file, but {} is a folder of partition images", path.display())
            }
        }
    }
}

/// Inspects the file or folder at `path`; `expected_sha256` is the checksum the person
/// was given with a single file.
pub fn load(path: &Path, expected_sha256: Option<Sha256Digest>) -> Result<Firmware, LoadError> {
    let unreadable = |reason| LoadError::Unreadable { path: path.to_path_buf(), reason };
    let read_failed = |error| LoadError::Read { path: path.to_path_buf(), error };
    if fs::metadata(path).map_err(unreadable)?.is_dir() {
        if expected_sha256.is_some() {
            return Err(LoadError::ChecksumOfFolder { path: path.to_path_buf() });
        }
        let files = folder_files(path).map_err(unreadable)?;
        let Selection { inspection, source } = block_on(Selection::of_files(files)).map_err(read_failed)?;
        Ok(Firmware { inspection, source, nested: Vec::new() })
    } else {
        let file = FileSource::open(path).map_err(unreadable)?;
        let options = InspectOptions { expected_sha256 };
        let Selection { inspection, mut source } = block_on(Selection::of_file(file, &options)).map_err(read_failed)?;
        let nested = if inspection.image.family == Family::SierraCwe {
            block_on(cwe::images(&mut source)).map_err(read_failed)?
        } else {
            Vec::new()
        };
        Ok(Firmware { inspection, source, nested })
    }
}

/// The folder's regular files (symlinks followed), sorted by name; the folder
/// inspection decides which of them are partition images.
fn folder_files(folder: &Path) -> io::Result<Vec<FolderFile<FileSource>>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let path = entry.path();
        if fs::metadata(&path)?.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            files.push(FolderFile { name, source: FileSource::open(&path)? });
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

impl Firmware {
    /// The inspection as the flasher reads it: every partition's offset counted from the
    /// start of [`Firmware::source`] (for a folder, the position of its file in the
    /// chain is added; a one-file image is unchanged).
    pub fn for_flashing(&self) -> Inspection {
        self.inspection.chained(|file| self.source.start_of(file))
    }
}
