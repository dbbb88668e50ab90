//! `sim --pty --link PATH`: a symlink to the pty that scripts can rely on
//! (DESIGN.md "Mode switches": it disappears and comes back when the dongle re-enumerates).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A symlink at `path` to `target`, removed on drop if it still points there.
pub struct StableLink {
    path: PathBuf,
    target: PathBuf,
}

impl StableLink {
    /// Creates the link, replacing an older symlink (a previous run's) but never a file.
    pub fn create(path: &Path, target: &Path) -> io::Result<Self> {
        let context =
            |e: io::Error| io::Error::new(e.kind(), format!("cannot create the link {}: {e}", path.display()));
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => fs::remove_file(path).map_err(context)?,
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists and is not a symlink; not replacing it", path.display()),
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(context(e)),
        }
        std::os::unix::fs::symlink(target, path).map_err(context)?;
        Ok(StableLink { path: path.to_path_buf(), target: target.to_path_buf() })
    }
}

impl Drop for StableLink {
    fn drop(&mut self) {
        // Another sim may have taken the name over since: leave its link alone.
        if fs::read_link(&self.path).is_ok_and(|t| t == self.target) {
            let _ = fs::remove_file(&self.path);
        }
    }
}
