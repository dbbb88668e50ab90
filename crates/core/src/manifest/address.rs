//! Firmware addresses relative to the manifest's own URL (RFC 3986 §5.2, for the shapes a
//! vendor writes: an absolute `https://` URL, `//host/path`, `/path` or `path`).
//!
//! The page resolves them before fetching; only `http` and `https` are taken, so a
//! manifest cannot point the page at `javascript:`, `data:` or `file:` addresses.

/// Why an address in the manifest cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// The manifest's own URL is not an absolute `http(s)` URL.
    #[error("the manifest's address {0:?} is not an absolute http:// or https:// URL")]
    BadBase(String),
    /// A scheme other than http or https.
    #[error("{0:?} uses a scheme other than http:// or https://")]
    Scheme(String),
    /// Spaces, control characters, quotes or a backslash: the vendor must percent-encode them.
    #[error("{0:?} holds a character that must be percent-encoded (space, quote, backslash or control)")]
    Character(String),
    /// Nothing at all.
    #[error("the address is empty")]
    Empty,
}

/// `reference` resolved against `base` (the manifest's URL), as an absolute URL.
pub fn resolve(base: &str, reference: &str) -> Result<String, AddressError> {
    let (scheme, base_rest) = split_scheme(base).ok_or_else(|| AddressError::BadBase(base.into()))?;
    let Some(base_rest) = base_rest.strip_prefix("//").filter(|_| is_web(scheme)) else {
        return Err(AddressError::BadBase(base.into()));
    };
    if reference.is_empty() {
        return Err(AddressError::Empty);
    }
    if reference.chars().any(|c| c.is_control() || c.is_whitespace() || "\"<>\\`".contains(c)) {
        return Err(AddressError::Character(reference.into()));
    }
    if let Some((other, _)) = split_scheme(reference) {
        return if is_web(other) && reference[other.len() + 1..].starts_with("//") {
            Ok(reference.to_string())
        } else {
            Err(AddressError::Scheme(reference.into()))
        };
    }
    if reference.starts_with("//") {
        return Ok(format!("{scheme}:{reference}"));
    }
    let authority_end = base_rest.find(['/', '?', '#']).unwrap_or(base_rest.len());
    let (authority, base_path) = base_rest.split_at(authority_end);
    let base_path = &base_path[..base_path.find(['?', '#']).unwrap_or(base_path.len())];
    let (ref_path, ref_tail) = reference.split_at(reference.find(['?', '#']).unwrap_or(reference.len()));
    let merged = if ref_path.starts_with('/') {
        ref_path.to_string()
    } else {
        // §5.2.3: the base path up to its last slash, then the reference.
        let directory = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
        let directory = if directory.is_empty() { "/" } else { directory };
        format!("{directory}{ref_path}")
    };
    Ok(format!("{scheme}://{authority}{}{ref_tail}", remove_dot_segments(&merged)))
}

/// `scheme` and the rest, when `text` starts with an RFC 3986 scheme and a colon.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next()?.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then_some((scheme, rest))
}

fn is_web(scheme: &str) -> bool {
    scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")
}

/// RFC 3986 §5.2.4 on an absolute path: `.` and `..` segments folded away.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." | ".." => {
                if *segment == ".." {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            other => out.push(other),
        }
    }
    format!("/{}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://vendor.example/support/e3372h/manifest.json?v=2";

    #[test]
    fn relative_paths_resolve_beside_the_manifest() {
        assert_eq!(resolve(BASE, "fw/update.bin").unwrap(), "https://vendor.example/support/e3372h/fw/update.bin");
        assert_eq!(resolve(BASE, "./update.bin").unwrap(), "https://vendor.example/support/e3372h/update.bin");
        assert_eq!(
            resolve(BASE, "../all/update.bin?x=1").unwrap(),
            "https://vendor.example/support/all/update.bin?x=1"
        );
        assert_eq!(resolve(BASE, "../../../../a.bin").unwrap(), "https://vendor.example/a.bin");
        assert_eq!(resolve(BASE, "/files/a.bin").unwrap(), "https://vendor.example/files/a.bin");
        assert_eq!(resolve("http://127.0.0.1:8080", "a.bin").unwrap(), "http://127.0.0.1:8080/a.bin");
    }

    #[test]
    fn absolute_web_addresses_stay_as_they_are() {
        assert_eq!(resolve(BASE, "https://cdn.example/a.bin").unwrap(), "https://cdn.example/a.bin");
        assert_eq!(resolve(BASE, "//cdn.example/a.bin").unwrap(), "https://cdn.example/a.bin");
    }

    #[test]
    fn other_schemes_and_raw_characters_are_refused() {
        assert_eq!(resolve(BASE, "javascript:alert(1)"), Err(AddressError::Scheme("javascript:alert(1)".into())));
        assert!(matches!(resolve(BASE, "file:///etc/passwd"), Err(AddressError::Scheme(_))));
        assert!(matches!(resolve(BASE, "my update.bin"), Err(AddressError::Character(_))));
        assert_eq!(resolve(BASE, ""), Err(AddressError::Empty));
        assert!(matches!(resolve("manifest.json", "a.bin"), Err(AddressError::BadBase(_))));
        assert!(matches!(resolve("data:text/plain,x", "a.bin"), Err(AddressError::BadBase(_))));
    }
}
