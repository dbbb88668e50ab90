//! Multi-file firmware, whatever the family: a folder, a multi-file selection in the
//! page, or a dropped folder, given as named files.

/// How many names a sentence lists before "and N more".
const LISTED: usize = 5;

/// One file of a multi-file firmware.
#[derive(Debug)]
pub struct FolderFile<S> {
    /// File name without directories, e.g. `00-00030000-Kernel.bin` or `amss.mbn`.
    pub name: String,
    /// Its bytes.
    pub source: S,
}

/// Puts `file` among `files` in name order, as a folder listing gives them. Inserting
/// (a package has a few dozen files at most) spares the page's wasm a sort routine per
/// file type.
pub fn insert_by_name<S>(files: &mut Vec<FolderFile<S>>, file: FolderFile<S>) {
    let at = files.partition_point(|f| f.name < file.name);
    files.insert(at, file);
}

/// Up to [`LISTED`] names, then how many more.
pub(crate) fn listing<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    let shown = names.iter().take(LISTED).copied().collect::<Vec<_>>().join(", ");
    match names.len().saturating_sub(LISTED) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_listings_are_cut() {
        let names = ["a", "b", "c", "d", "e", "f", "g"];
        assert_eq!(listing(names.into_iter()), "a, b, c, d, e and 2 more");
        assert_eq!(listing(names[..2].iter().copied()), "a, b");
    }
}
