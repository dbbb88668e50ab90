//! Embedding: a vendor page shows the wizard in an `<iframe allow="serial; usb">` (the
//! `<modem-flash>` element of `public/modem-flash.js` makes it), themes it through the
//! URL and hears what happens through `postMessage`.

use serde_json::{json, Value};

/// The colours a host page may set, as URL parameters, and the CSS variables they set.
pub const THEME_PARAMETERS: &[(&str, &str)] = &[
    ("accent", "--accent"),
    ("accent-fg", "--accent-fg"),
    ("bg", "--bg"),
    ("fg", "--fg"),
    ("card", "--card"),
    ("border", "--border"),
];

/// The CSS variables a query string (`?accent=%23aa0000&bg=%23ffffff`, already decoded
/// into pairs) sets. Only `#rgb` and `#rrggbb` colours pass: a value is never CSS.
pub fn theme<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<(&'static str, String)> {
    let colour = |v: &str| {
        let hex = v.strip_prefix('#')?;
        ((hex.len() == 3 || hex.len() == 6) && hex.chars().all(|c| c.is_ascii_hexdigit())).then(|| v.to_string())
    };
    pairs
        .into_iter()
        .filter_map(|(name, value)| {
            let (_, var) = THEME_PARAMETERS.iter().find(|(p, _)| *p == name)?;
            Some((*var, colour(value)?))
        })
        .collect()
}

/// The origin the wizard posts its events to: the embedding page's, so no other page can
/// hear them (a message posted with `"*"` reaches whatever document the parent window holds).
///
/// `ancestor` is `location.ancestorOrigins[0]` (Chromium and Safari: set by the browser,
/// the parent cannot fake it); without it, the origin of `document.referrer` (the page
/// that loaded the frame). `None`, and no events, when neither names a web origin
/// (a sandboxed parent is `"null"`; a parent sending no referrer is unknown).
pub fn host_origin(ancestor: Option<&str>, referrer: &str) -> Option<String> {
    match ancestor {
        Some(origin) => (origin.starts_with("https://") || origin.starts_with("http://")).then(|| origin.to_string()),
        None => {
            let (scheme, rest) = referrer.split_once("://")?;
            if !(scheme == "https" || scheme == "http") {
                return None;
            }
            let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
            (!authority.is_empty()).then(|| format!("{scheme}://{authority}"))
        }
    }
}

/// What the host page hears, as `{"source": "modemflash", "type": …}` messages.
#[derive(Clone, Debug, PartialEq)]
pub enum HostEvent {
    /// Where the wizard is: `start`, `identifying`, `identified`, `no-modem`, `confirming`,
    /// `updating`, `done`, `stopped`.
    State(&'static str),
    /// The update's progress in whole percent.
    Progress(u8),
    /// The modem runs the new firmware.
    Done { version: String },
    /// The update stopped; `message` says why (English, from the engine).
    Error { message: String },
}

impl HostEvent {
    /// The message posted to the host page.
    pub fn message(&self) -> Value {
        match self {
            HostEvent::State(state) => json!({ "source": "modemflash", "type": "state", "state": state }),
            HostEvent::Progress(percent) => json!({ "source": "modemflash", "type": "progress", "percent": percent }),
            HostEvent::Done { version } => json!({ "source": "modemflash", "type": "done", "version": version }),
            HostEvent::Error { message } => json!({ "source": "modemflash", "type": "error", "message": message }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_colours_reach_the_stylesheet() {
        let vars = theme([
            ("accent", "#aa0000"),
            ("bg", "#fff"),
            ("fg", "red;}body{x"),
            ("card", "#12345"),
            ("other", "#000"),
        ]);
        assert_eq!(vars, [("--accent", "#aa0000".to_string()), ("--bg", "#fff".to_string())]);
    }

    #[test]
    fn events_go_to_the_embedding_origin_only() {
        let vendor = "https://vendor.example";
        assert_eq!(host_origin(Some(vendor), "https://other.example/x").as_deref(), Some(vendor));
        assert_eq!(
            host_origin(None, "https://vendor.example:8443/support/e3372h?x=1").as_deref(),
            Some("https://vendor.example:8443")
        );
        assert_eq!(host_origin(Some("null"), "https://vendor.example/"), None, "a sandboxed parent has no origin");
        assert_eq!(host_origin(None, ""), None, "no referrer: nobody to tell");
        assert_eq!(host_origin(None, "file:///home/a.html"), None);
    }

    #[test]
    fn host_messages_carry_their_source_and_type() {
        assert_eq!(
            HostEvent::Progress(40).message().to_string(),
            r#"{"percent":40,"source":"modemflash","type":"progress"}"#
        );
        assert_eq!(HostEvent::State("done").message()["state"], "done");
    }
}
