//! Verifying a build's file against the manifest while it streams in (a download, or a
//! file the person brought): its size as soon as it is exceeded, its SHA-256 at the end.
//! Nothing reaches the dongle from a file that fails: the page only hands on a file
//! this check passed, and the normal verification follows.

use sha2::{Digest, Sha256};

use super::Build;
use crate::image::source::{ByteSource, SourceError};
use crate::image::Sha256Digest;

/// Why a file is not the one the manifest describes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileMismatch {
    /// More bytes than declared: the download is stopped there.
    #[error("{file} is larger than the {expected} bytes the vendor's manifest gives: it is not the published file")]
    TooLarge {
        /// The file's name.
        file: String,
        /// The declared size.
        expected: u64,
    },
    /// Fewer bytes than declared.
    #[error("{file} is {actual} bytes, not the {expected} the vendor's manifest gives: the file is incomplete or another one")]
    TooSmall {
        /// The file's name.
        file: String,
        /// Its size.
        actual: u64,
        /// The declared size.
        expected: u64,
    },
    /// The right size, other bytes.
    #[error(
        "{file}'s SHA-256 is {actual}, not the {expected} the vendor's manifest gives: the file was damaged or changed"
    )]
    Sha256 {
        /// The file's name.
        file: String,
        /// Its digest.
        actual: Sha256Digest,
        /// The declared digest.
        expected: Sha256Digest,
    },
}

impl FileMismatch {
    /// What the person can do: try again, and tell the vendor if it keeps failing.
    pub fn next_step(&self) -> &'static str {
        "Nothing was written to the modem. Try again; if the file is refused again, tell the vendor."
    }
}

/// Size and SHA-256 of a file being received, against its build.
#[derive(Clone, Debug)]
pub struct FileCheck {
    file: String,
    expected_size: u64,
    expected_sha256: Sha256Digest,
    received: u64,
    hasher: Sha256,
}

impl FileCheck {
    /// Starts checking a file for `build`.
    pub fn new(build: &Build) -> Self {
        FileCheck {
            file: build.file_name.clone(),
            expected_size: build.size,
            expected_sha256: build.sha256,
            received: 0,
            hasher: Sha256::new(),
        }
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The next piece of the file; an error as soon as it runs past the declared size.
    pub fn feed(&mut self, piece: &[u8]) -> Result<(), FileMismatch> {
        self.received += piece.len() as u64;
        if self.received > self.expected_size {
            return Err(FileMismatch::TooLarge { file: self.file.clone(), expected: self.expected_size });
        }
        self.hasher.update(piece);
        Ok(())
    }

    /// The whole file was received: its size and digest must be the declared ones.
    pub fn finish(self) -> Result<Sha256Digest, FileMismatch> {
        if self.received < self.expected_size {
            return Err(FileMismatch::TooSmall {
                file: self.file,
                actual: self.received,
                expected: self.expected_size,
            });
        }
        let actual = Sha256Digest(self.hasher.finalize().into());
        same_digest(&self.file, actual, self.expected_sha256)
    }

    /// Checks a whole file the person brought: its size first, then its SHA-256, read
    /// in bounded chunks.
    pub async fn source<S: ByteSource + ?Sized>(
        build: &Build,
        src: &mut S,
    ) -> Result<Result<Sha256Digest, FileMismatch>, SourceError> {
        let (file, expected) = (build.file_name.clone(), build.size);
        if src.len() > expected {
            return Ok(Err(FileMismatch::TooLarge { file, expected }));
        }
        if src.len() < expected {
            return Ok(Err(FileMismatch::TooSmall { file, actual: src.len(), expected }));
        }
        let actual = Sha256Digest::of(src).await?;
        Ok(same_digest(&file, actual, build.sha256))
    }
}

fn same_digest(file: &str, actual: Sha256Digest, expected: Sha256Digest) -> Result<Sha256Digest, FileMismatch> {
    if actual == expected {
        Ok(actual)
    } else {
        Err(FileMismatch::Sha256 { file: file.to_string(), actual, expected })
    }
}
