//! The firmware the person hands the page: one file (a vendor file or a zipped
//! package), or several given together — a multi-file selection, a folder chosen with
//! the folder picker (`webkitdirectory`) or dropped on the page (read through
//! `DataTransferItem.webkitGetAsEntry`). Each file is read in slices through
//! [`BlobSource`]; the engine's [`Selection`] decides what they are, as the CLI does for
//! a file or a folder.

use js_sys::{Array, Promise};
use modemflash_core::image::{FolderFile, InspectOptions, Selection, SourceError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

use super::blob_source::BlobSource;

/// What the person chose.
#[derive(Clone, Debug)]
pub enum FirmwareFiles {
    /// One file.
    One(File),
    /// Several files given together; `name` is their folder's, or the first file's.
    Several {
        /// What the page calls them.
        name: String,
        /// The files, each by its own name (folders inside are not part of a package).
        files: Vec<File>,
    },
}

impl FirmwareFiles {
    /// The name the page shows while and after checking.
    pub fn name(&self) -> String {
        match self {
            FirmwareFiles::One(file) => file.name(),
            FirmwareFiles::Several { name, .. } => name.clone(),
        }
    }

    /// The files of a file input: one file, several, or the top level of a folder chosen
    /// with `webkitdirectory` (each file's `webkitRelativePath` starts with the folder).
    pub fn from_list(list: &FileList) -> Option<Self> {
        let files: Vec<File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        let folder = files.first().map(relative_path).filter(|p| !p.is_empty());
        match folder {
            Some(path) => {
                let name = path.split('/').next().unwrap_or_default().to_string();
                let top_level = files.into_iter().filter(|f| relative_path(f).matches('/').count() == 1);
                Some(FirmwareFiles::Several { name, files: top_level.collect() })
            }
            None => Self::of(files),
        }
    }

    /// What was dropped: one folder, or files. The drop's entries only live as long as
    /// its event, so they are taken here, synchronously; a folder is read afterwards
    /// ([`Dropped::read`]).
    pub fn dropped(data: &DataTransfer) -> Dropped {
        let items = data.items();
        let mut entries = (0..items.length()).filter_map(|i| items.get(i)?.webkit_get_as_entry().ok().flatten());
        match (entries.next(), entries.next()) {
            (Some(entry), None) if entry.is_directory() => Dropped::Folder(entry.unchecked_into()),
            _ => Dropped::Files(
                data.files().map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).and_then(Self::of),
            ),
        }
    }

    fn of(mut files: Vec<File>) -> Option<Self> {
        match files.len() {
            0 => None,
            1 => files.pop().map(FirmwareFiles::One),
            more => {
                let first = files.iter().map(File::name).min().unwrap_or_default();
                Some(FirmwareFiles::Several { name: format!("{first} (+{})", more - 1), files })
            }
        }
    }

    /// Inspects the choice: what it holds, every check, and the source the flasher reads.
    pub async fn select(&self, options: &InspectOptions) -> Result<Selection<BlobSource>, SourceError> {
        match self {
            FirmwareFiles::One(file) => Selection::of_file(BlobSource::new(file.clone().into()), options).await,
            FirmwareFiles::Several { files, .. } => {
                let files =
                    files.iter().map(|f| FolderFile { name: f.name(), source: BlobSource::new(f.clone().into()) });
                Selection::of_files(files.collect()).await
            }
        }
    }
}

/// A drop, taken during its event.
pub enum Dropped {
    /// Files (or nothing usable).
    Files(Option<FirmwareFiles>),
    /// One folder, not read yet.
    Folder(FileSystemDirectoryEntry),
}

impl Dropped {
    /// The dropped firmware; a folder's top-level files are read now.
    pub async fn read(self) -> Result<Option<FirmwareFiles>, String> {
        match self {
            Dropped::Files(files) => Ok(files),
            Dropped::Folder(folder) => {
                let files = folder_files(&folder).await.map_err(|e| super::dom_error(&e).1)?;
                Ok(Some(FirmwareFiles::Several { name: folder.name(), files }))
            }
        }
    }
}

/// `File.webkitRelativePath`: the path inside a folder chosen with `webkitdirectory`,
/// empty otherwise (not in web-sys).
fn relative_path(file: &File) -> String {
    js_sys::Reflect::get(file, &JsValue::from_str("webkitRelativePath"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The files at the top level of a dropped folder (`readEntries` answers in batches until
/// an empty one).
async fn folder_files(folder: &FileSystemDirectoryEntry) -> Result<Vec<File>, JsValue> {
    let reader = folder.create_reader();
    let mut files = Vec::new();
    loop {
        let batch = Promise::new(&mut |resolve, reject| {
            if let Err(e) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        });
        let batch: Array = JsFuture::from(batch).await?.unchecked_into();
        if batch.length() == 0 {
            return Ok(files);
        }
        for entry in batch.iter().map(JsCast::unchecked_into::<FileSystemEntry>).filter(FileSystemEntry::is_file) {
            let entry: FileSystemFileEntry = entry.unchecked_into();
            let file = Promise::new(&mut |resolve, reject| entry.file_with_callback_and_callback(&resolve, &reject));
            files.push(JsFuture::from(file).await?.unchecked_into());
        }
    }
}
