//! The engine's [`ByteSource`] over files on disk: one file, or the files of a folder
//! read back to back as if they were one (DESIGN.md "image": nothing is loaded whole).
//!
//! Behind the `fs` feature: the engine itself does no IO, but every native user of it
//! (the CLI, the benchmarks) reads firmware from disk the same way, as espflash puts
//! its serial port behind a feature.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::source::Chain;
use super::{ByteSource, SourceError};

/// One file, read at any offset without moving a cursor.
#[derive(Debug)]
pub struct FileSource {
    file: File,
    len: u64,
    path: PathBuf,
}

impl FileSource {
    /// Opens `path` for reading; its size is taken now.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        Ok(FileSource { file, len, path: path.to_path_buf() })
    }
}

impl ByteSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), SourceError> {
        if offset.checked_add(buf.len() as u64).is_none_or(|end| end > self.len) {
            return Err(SourceError::OutOfRange { offset, len: buf.len(), size: self.len });
        }
        read_exact_at(&self.file, buf, offset).map_err(|e| {
            let path = self.path.display();
            SourceError::Io(match e.kind() {
                io::ErrorKind::UnexpectedEof => {
                    format!("{path} became shorter while it was read (it had {} bytes)", self.len)
                }
                _ => format!("reading {} bytes at offset {offset} of {path} failed: {e}", buf.len()),
            })
        })
    }
}

/// Files read back to back as one source (see [`Chain`]).
pub type FileChain = Chain<FileSource>;

/// Positioned reads, which leave no shared cursor behind.
#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Positioned reads, which leave no shared cursor behind.
#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use futures::executor::block_on;

    use super::*;

    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let path = std::env::temp_dir().join(format!("modemflash-unit-{}-{name}", std::process::id()));
        File::create(&path).and_then(|mut f| f.write_all(bytes)).expect("the temp dir is writable");
        path
    }

    #[test]
    fn reads_inside_the_file_and_refuses_past_its_end() {
        let path = temp_file("one", b"HELLO, WORLD");
        let mut file = FileSource::open(&path).unwrap();
        let mut buf = [0; 5];
        block_on(file.read_at(7, &mut buf)).unwrap();
        assert_eq!(&buf, b"WORLD");
        assert_eq!(block_on(file.read_at(8, &mut buf)), Err(SourceError::OutOfRange { offset: 8, len: 5, size: 12 }));
        assert!(block_on(file.read_at(u64::MAX, &mut buf)).is_err());
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_file_that_shrinks_after_opening_is_an_io_error_naming_it() {
        let path = temp_file("shrinks", &[7; 100]);
        let mut file = FileSource::open(&path).unwrap();
        File::create(&path).unwrap();
        let error = block_on(file.read_at(10, &mut [0; 10])).unwrap_err();
        let SourceError::Io(text) = error else { panic!("an I/O error") };
        assert!(text.contains("became shorter") && text.contains(&*path.to_string_lossy()), "{text}");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_chain_reads_across_file_boundaries() {
        let paths = [temp_file("a", b"ABC"), temp_file("b", b""), temp_file("c", b"DEFG")];
        let mut chain = FileChain::new(paths.iter().map(|p| FileSource::open(p).unwrap()));
        assert_eq!(chain.len(), 7);
        assert_eq!((chain.start_of(0), chain.start_of(1), chain.start_of(2)), (0, 3, 3));
        let mut buf = [0; 5];
        block_on(chain.read_at(1, &mut buf)).unwrap();
        assert_eq!(&buf, b"BCDEF");
        assert!(block_on(chain.read_at(3, &mut buf)).is_err());
        paths.iter().for_each(|p| std::fs::remove_file(p).unwrap());
    }
}
