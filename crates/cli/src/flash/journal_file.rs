//! The job's journal on disk, so an interrupted update resumes where it stopped
//! (core's `flasher::journal`): written after every finished partition, removed after
//! success.
//!
//! Default place: `$XDG_STATE_HOME/modemflash/journal-<key>.json`, or
//! `~/.local/state/modemflash/…` without `XDG_STATE_HOME`, where `<key>` is the first 16
//! hex digits of the image's journal key (its SHA-256; a hash of the key for folders).

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use futures::executor::block_on;
use modemflash_core::flasher::Journal;
use modemflash_core::image::Sha256Digest;

/// Where one image's journal lives.
#[derive(Debug)]
pub struct JournalFile {
    path: PathBuf,
}

/// Why the journal cannot be used. Nothing was sent to the modem.
#[derive(Debug)]
pub enum JournalError {
    /// Neither `XDG_STATE_HOME` nor `HOME` is set.
    NoStateDir,
    /// It exists but could not be read.
    Unreadable {
        /// Its path.
        path: PathBuf,
        /// The operating system's words.
        reason: io::Error,
    },
    /// It is not a journal.
    Corrupt {
        /// Its path.
        path: PathBuf,
        /// What the parser said.
        reason: serde_json::Error,
    },
    /// It belongs to another firmware image (a `--journal` path reused).
    OtherImage {
        /// Its path.
        path: PathBuf,
    },
}

impl JournalError {
    /// What the person should do about it.
    pub fn next_step(&self) -> &'static str {
        match self {
            JournalError::NoStateDir => "Pass --journal PATH to say where the journal is kept.",
            JournalError::Unreadable { .. } => "Make the journal readable, or pass another --journal PATH.",
            JournalError::Corrupt { .. } => {
                "Remove the journal to start the update from the beginning, or pass another --journal PATH."
            }
            JournalError::OtherImage { .. } => {
                "Use the firmware file that journal belongs to, or pass another --journal PATH for this one."
            }
        }
    }
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JournalError::NoStateDir => {
                f.write_str("nowhere to keep the journal: neither XDG_STATE_HOME nor HOME is set")
            }
            JournalError::Unreadable { path, reason } => {
                write!(f, "cannot read the journal {}: {reason}", path.display())
            }
            JournalError::Corrupt { path, reason } => {
                write!(f, "{} is not a modemflash journal: {reason}", path.display())
            }
            JournalError::OtherImage { path } => {
                write!(f, "the journal {} belongs to another firmware image", path.display())
            }
        }
    }
}

impl JournalFile {
    /// The journal of the image with journal key `key`: at `explicit` when given,
    /// otherwise in the state directory.
    pub fn locate(explicit: Option<&Path>, key: &str) -> Result<Self, JournalError> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => state_dir().ok_or(JournalError::NoStateDir)?.join(file_name(key)),
        };
        Ok(JournalFile { path })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether an earlier run left it.
    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    /// The journal an earlier run of the image with key `key` left, if any.
    pub fn load(&self, key: &str) -> Result<Option<Journal>, JournalError> {
        let text = match fs::read(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(reason) => return Err(JournalError::Unreadable { path: self.path.clone(), reason }),
        };
        let journal: Journal = serde_json::from_slice(&text)
            .map_err(|reason| JournalError::Corrupt { path: self.path.clone(), reason })?;
        if journal.image != key {
            return Err(JournalError::OtherImage { path: self.path.clone() });
        }
        Ok(Some(journal))
    }

    /// Writes `journal`, replacing the file in one step so a crash never leaves half of it.
    pub fn save(&self, journal: &Journal) -> io::Result<()> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let mut partial = self.path.clone().into_os_string();
        partial.push(".partial");
        let json = serde_json::to_vec_pretty(journal).map_err(io::Error::other)?;
        fs::write(&partial, json)?;
        fs::rename(&partial, &self.path)
    }

    /// Removes it after a finished update.
    pub fn remove(&self) -> io::Result<()> {
        match fs::remove_file(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// `$XDG_STATE_HOME/modemflash`, or `~/.local/state/modemflash`.
fn state_dir() -> Option<PathBuf> {
    let absolute = |var: &str| std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_absolute());
    let base = absolute("XDG_STATE_HOME").or_else(|| absolute("HOME").map(|home| home.join(".local/state")))?;
    Some(base.join("modemflash"))
}

/// `journal-<16 hex digits>.json`: the key's own digits when it is a SHA-256, else the
/// first digits of the key's SHA-256.
fn file_name(key: &str) -> String {
    let hex = if key.len() >= 16 && key.bytes().all(|b| b.is_ascii_hexdigit()) {
        key[..16].to_ascii_lowercase()
    } else {
        let digest = block_on(Sha256Digest::of(&mut key.as_bytes())).expect("hashing bytes in memory cannot fail");
        digest.to_string()[..16].to_string()
    };
    format!("journal-{hex}.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn file_names_take_sixteen_hex_digits_of_the_key() {
        assert_eq!(file_name(SHA), "journal-ba7816bf8f01cfea.json");
        let folder = file_name("210000:00010000,00030000");
        assert!(folder.starts_with("journal-") && folder.len() == "journal-".len() + 16 + ".json".len(), "{folder}");
        assert_ne!(folder, file_name("210001:00010000,00030000"));
    }

    #[test]
    fn saves_loads_and_removes_and_refuses_another_images_journal() {
        let path = std::env::temp_dir().join(format!("modemflash-unit-{}/journal.json", std::process::id()));
        let file = JournalFile::locate(Some(&path), SHA).unwrap();
        assert_eq!(file.load(SHA).unwrap(), None);

        let mut journal = Journal::new(SHA);
        journal.finish(0x30000);
        file.save(&journal).unwrap();
        assert!(file.exists());
        assert_eq!(file.load(SHA).unwrap(), Some(journal));
        assert!(matches!(file.load("another"), Err(JournalError::OtherImage { .. })));

        fs::write(&path, "{not json").unwrap();
        assert!(matches!(file.load(SHA), Err(JournalError::Corrupt { .. })));

        file.remove().unwrap();
        file.remove().unwrap();
        assert!(!file.exists());
        fs::remove_dir(path.parent().unwrap()).unwrap();
    }
}
