//! Walking the tree of nested CWE images (specs/sierra-cwe-qdl.md §2.1) in the two modes
//! of §4: [`walk_strict`], which decides whether we flash, and [`walk_qfu`], exactly what
//! `qmi-firmware-update` 1.32.2 accepts (§4.2), used to compare with that tool (§5).
//!
//! Both walks are iterative (a crafted file cannot overflow the stack) and read headers
//! only; the strict walk streams each image's bytes once more for its CRC.

use super::header::{CweHeader, HEADER_LEN};
use crate::image::source::{ByteSource, SourceError};

/// The most images either walk accepts in one file: far more than any real package
/// (a few dozen), few enough that garbage cannot make the walk slow.
pub const MAX_IMAGES: usize = 1024;

/// One image of the tree, in pre-order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CweNode {
    /// Position in the tree as `qmi-firmware-update` numbers it: `[0]` is the top
    /// image, `[0, 1]` its second child (§5).
    pub path: Vec<usize>,
    /// Offset of the header in the file.
    pub offset: u64,
    /// The header.
    pub header: CweHeader,
}

impl CweNode {
    /// The path as `qmi-firmware-update` prints it: `0.1.0`.
    pub fn id(&self) -> String {
        self.path.iter().map(usize::to_string).collect::<Vec<_>>().join(".")
    }

    /// Nesting depth; the top image is 0.
    pub fn depth(&self) -> usize {
        self.path.len() - 1
    }

    /// Offset just past this image's bytes.
    pub fn end(&self) -> u64 {
        self.offset + HEADER_LEN as u64 + u64::from(self.header.image_sz)
    }

    /// Offset of its payload.
    pub fn payload_at(&self) -> u64 {
        self.offset + HEADER_LEN as u64
    }
}

/// A structural finding of the strict walk (header field checks are made per node by
/// the caller). Each names the image it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NestingFault {
    /// A child's bytes run past its parent's end (§4.1 rule 6).
    CrossesParent {
        /// The child's id.
        child: String,
        /// Bytes it claims.
        end: u64,
        /// Where the parent ends.
        parent_end: u64,
    },
    /// After valid children, bytes remain that are not a child image (§4.1 rule 6).
    Leftover {
        /// The container's id.
        parent: String,
        /// Where the unused bytes start.
        at: u64,
        /// How many bytes are unused.
        len: u64,
    },
    /// More than [`MAX_IMAGES`] images.
    TooMany,
}

/// Reads the header at `offset`, which must leave [`HEADER_LEN`] bytes in the file.
pub async fn read_header<S: ByteSource + ?Sized>(src: &mut S, offset: u64) -> Result<CweHeader, SourceError> {
    let mut bytes = [0; HEADER_LEN];
    src.read_at(offset, &mut bytes).await?;
    Ok(CweHeader::parse(&bytes))
}

fn fits(src_len: u64, offset: u64, len: u64) -> bool {
    offset.checked_add(len).is_some_and(|end| end <= src_len)
}

/// The strict walk (§2.1, §4.1): a payload is a container iff its type is a container
/// type and its first 400 bytes carry a valid `psb_crc`; its children must then fill it
/// exactly. Returns every image found, in pre-order, and the structural faults. The top
/// header must lie inside the file (the caller checks the length first).
pub async fn walk_strict<S: ByteSource + ?Sized>(
    src: &mut S,
) -> Result<(Vec<CweNode>, Vec<NestingFault>), SourceError> {
    let len = src.len();
    let mut nodes = Vec::new();
    let mut faults = Vec::new();
    let mut pending = vec![(0u64, vec![0usize])];
    while let Some((offset, path)) = pending.pop() {
        if nodes.len() == MAX_IMAGES {
            faults.push(NestingFault::TooMany);
            break;
        }
        let node = CweNode { path, offset, header: read_header(src, offset).await? };
        let end = node.end();
        let children_at = node.payload_at();
        let may_nest = node.header.is_container_type()
            && u64::from(node.header.image_sz) >= HEADER_LEN as u64
            && end <= len
            && read_header(src, children_at).await?.psb_crc_ok();
        let mut children = Vec::new();
        if !may_nest && node.header.holds_images() && node.header.image_sz > 0 && end <= len {
            // A package whose first nested header is unreadable: its bytes are not images.
            faults.push(NestingFault::Leftover { parent: node.id(), at: children_at, len: end - children_at });
        }
        if may_nest {
            let mut at = children_at;
            while at < end {
                let child_path = [node.path.as_slice(), &[children.len()]].concat();
                let child_id = child_path.iter().map(usize::to_string).collect::<Vec<_>>().join(".");
                if !fits(end, at, HEADER_LEN as u64) || !read_header(src, at).await?.psb_crc_ok() {
                    faults.push(NestingFault::Leftover { parent: node.id(), at, len: end - at });
                    break;
                }
                let child = read_header(src, at).await?;
                let child_end = at + HEADER_LEN as u64 + u64::from(child.image_sz);
                if child_end > end {
                    faults.push(NestingFault::CrossesParent { child: child_id, end: child_end, parent_end: end });
                    break;
                }
                children.push((at, child_path));
                // An empty child is reported by its own size check; stop so the walk ends.
                if child.image_sz == 0 {
                    break;
                }
                at = child_end;
            }
        }
        nodes.push(node);
        pending.extend(children.into_iter().rev());
    }
    Ok((nodes, faults))
}

/// Why `qmi-firmware-update --verify` refuses a file, with its own words (§4.2, §5).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QfuRefusal {
    /// Step 2.
    #[error("image is too short")]
    TooShort,
    /// Step 3, top level.
    #[error("couldn't read file header: invalid image size")]
    InvalidSize,
    /// Step 3, top level (a parent bound exists only for children, whose failures are silent).
    #[error("invalid strings given in image")]
    InvalidStrings,
    /// Step 4.
    #[error("CWE image file size mismatch (expected size: {expected} bytes, real size: {real} bytes)")]
    SizeMismatch {
        /// `image_sz + 400` of the top header.
        expected: u64,
        /// The file's size.
        real: u64,
    },
    /// Our own bound, [`MAX_IMAGES`]; the tool has none.
    #[error("more than {MAX_IMAGES} images")]
    TooMany,
}

/// §4.2 step 3 for one header: its end, or why it is refused. The parent bound is the
/// caller's: it only ever applies to children, whose refusals are all silent.
fn qfu_image(header: &CweHeader, offset: u64) -> Result<u64, QfuRefusal> {
    if header.image_sz == 0 {
        return Err(QfuRefusal::InvalidSize);
    }
    if !header.strings_ok() {
        return Err(QfuRefusal::InvalidStrings);
    }
    Ok(offset + HEADER_LEN as u64 + u64::from(header.image_sz))
}

/// Exactly what `qmi-firmware-update` 1.32.2 accepts (§4.2 steps 2–4): the images it
/// lists, or its reason for refusing. No CRC, revision, type list or fill check (step 5).
pub async fn walk_qfu<S: ByteSource + ?Sized>(src: &mut S) -> Result<Result<Vec<CweNode>, QfuRefusal>, SourceError> {
    let len = src.len();
    if len < HEADER_LEN as u64 {
        return Ok(Err(QfuRefusal::TooShort));
    }
    let top = CweNode { path: vec![0], offset: 0, header: read_header(src, 0).await? };
    let top_end = match qfu_image(&top.header, 0) {
        Ok(end) => end,
        Err(refusal) => return Ok(Err(refusal)),
    };
    // One frame per open container: (its path, next child offset, its end, children seen).
    let mut open = vec![(top.path.clone(), top.payload_at(), top_end, 0usize)];
    let mut nodes = vec![top];
    while let Some((path, at, end, seen)) = open.last_mut() {
        if *at >= *end {
            open.pop();
            continue;
        }
        let parsed = if fits(len, *at, HEADER_LEN as u64) {
            let header = read_header(src, *at).await?;
            // "embedded image out of parent image bounds" is a child's failure too.
            qfu_image(&header, *at).ok().filter(|child_end| child_end <= end).map(|child_end| (header, child_end))
        } else {
            None
        };
        // §4.2 step 3: the first child that fails ends the scan of that level silently.
        let Some((header, child_end)) = parsed else {
            open.pop();
            continue;
        };
        if nodes.len() == MAX_IMAGES {
            return Ok(Err(QfuRefusal::TooMany));
        }
        let child = CweNode { path: [path.as_slice(), &[*seen]].concat(), offset: *at, header };
        *seen += 1;
        *at = child_end;
        open.push((child.path.clone(), child.payload_at(), child_end, 0));
        nodes.push(child);
    }
    let expected = nodes[0].end();
    if expected != len {
        return Ok(Err(QfuRefusal::SizeMismatch {
            expected: expected - HEADER_LEN as u64,
            real: len - HEADER_LEN as u64,
        }));
    }
    Ok(Ok(nodes))
}
