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
    fn host_messages_carry_their_source_and_type() {
        assert_eq!(
            HostEvent::Progress(40).message().to_string(),
            r#"{"percent":40,"source":"modemflash","type":"progress"}"#
        );
        assert_eq!(HostEvent::State("done").message()["state"], "done");
    }
}
