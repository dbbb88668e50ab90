//! How a settings restore is shown: the engine's [`RestoreReport`] as translated lines,
//! one per item. Pure and native-tested; the component only renders it.

use modemflash_core::settings::{Obstacle, PinCheck, RestoreOutcome, RestoreReport, Setting};

use crate::i18n::Catalog;

/// A message of `src/i18n/` with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The translation key.
    pub key: &'static str,
    /// `{name}` → value.
    pub args: Vec<(&'static str, String)>,
}

impl Message {
    fn new(key: &'static str, args: &[(&'static str, &str)]) -> Self {
        Message { key, args: args.iter().map(|(n, v)| (*n, v.to_string())).collect() }
    }

    /// The message in `catalog`'s language. A parameter that is itself a key (the PIN
    /// check's `settings.pin.on`) is translated too; a modem's values pass unchanged.
    pub fn render(&self, catalog: &Catalog) -> String {
        let args: Vec<(&str, String)> = self.args.iter().map(|(n, v)| (*n, catalog.get(v))).collect();
        let args: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
        catalog.format(self.key, &args)
    }
}

/// One item of the restore list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoreLine {
    /// Which setting (`APN profile 2`, `Network mode`, `PIN check`).
    pub setting: Message,
    /// What happened to it.
    pub outcome: Message,
    /// Why it could not be restored and what to do, when it could not.
    pub advice: Option<Message>,
}

impl RestoreLine {
    /// Whether the item could not be restored (styled as a warning).
    pub fn failed(&self) -> bool {
        self.advice.is_some()
    }
}

/// The restore list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoreView {
    /// The backup came from another modem.
    pub other_device: bool,
    /// One line per item, in the engine's order.
    pub lines: Vec<RestoreLine>,
}

impl RestoreView {
    /// From the engine's report.
    pub fn new(report: &RestoreReport) -> Self {
        let lines = report
            .items
            .iter()
            .map(|item| RestoreLine {
                setting: setting(&item.setting),
                outcome: outcome(&item.setting, &item.outcome),
                advice: match &item.outcome {
                    RestoreOutcome::CouldNot { obstacle, .. } => Some(advice(&item.setting, obstacle)),
                    _ => None,
                },
            })
            .collect();
        RestoreView { other_device: !report.same_device, lines }
    }
}

/// The settings panel's state, owned by the wizard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SettingsTask {
    /// Nothing asked yet.
    #[default]
    Idle,
    /// Talking to the modem.
    Working,
    /// A backup was taken, kept in the browser and downloaded as `file`.
    Saved {
        /// The downloaded file's name.
        file: String,
    },
    /// A stand-alone restore finished.
    Restored(RestoreView),
    /// Something failed: what, and what to do.
    Failed(Message),
}

impl SettingsTask {
    /// The failure after reading or writing settings over AT.
    pub fn failed(what: &str) -> Self {
        SettingsTask::Failed(Message::new("settings.failed", &[("what", what)]))
    }

    /// A chosen file that is not a settings backup.
    pub fn bad_file(file: &str, what: &str) -> Self {
        SettingsTask::Failed(Message::new("settings.bad_file", &[("file", file), ("what", what)]))
    }
}

/// A backup's `taken_at` as people read it: `2026-11-25T15:48:38Z` → `2026-11-25 15:48 UTC`.
pub fn shown_time(taken_at: &str) -> String {
    match (taken_at.get(..10), taken_at.get(11..16)) {
        (Some(date), Some(time)) if taken_at.ends_with('Z') => format!("{date} {time} UTC"),
        _ => taken_at.to_string(),
    }
}

fn setting(setting: &Setting) -> Message {
    match setting {
        Setting::ApnProfile { cid } => Message::new("settings.item.apn", &[("cid", &cid.to_string())]),
        Setting::NetworkMode => Message::new("settings.item.network", &[]),
        Setting::PinCheck => Message::new("settings.item.pin", &[]),
    }
}

/// A value as shown: the PIN check in words, everything else as the modem reports it.
fn value(setting: &Setting, value: &str) -> String {
    match setting {
        Setting::PinCheck if value == PinCheck::On.to_string() => "settings.pin.on".into(),
        Setting::PinCheck if value == PinCheck::Off.to_string() => "settings.pin.off".into(),
        _ => value.to_string(),
    }
}

fn outcome(setting: &Setting, outcome: &RestoreOutcome) -> Message {
    let v = |s: &str| value(setting, s);
    match outcome {
        RestoreOutcome::Restored { value } => Message::new("settings.outcome.restored", &[("value", &v(value))]),
        RestoreOutcome::Same { value } => Message::new("settings.outcome.same", &[("value", &v(value))]),
        RestoreOutcome::Changed { was, value } => {
            Message::new("settings.outcome.changed", &[("was", &v(was)), ("value", &v(value))])
        }
        RestoreOutcome::Removed { was } => Message::new("settings.outcome.removed", &[("was", &v(was))]),
        RestoreOutcome::CouldNot { value, .. } => Message::new("settings.outcome.could_not", &[("value", &v(value))]),
    }
}

fn advice(setting: &Setting, obstacle: &Obstacle) -> Message {
    match (obstacle, setting) {
        (Obstacle::NeedsPin { wanted: PinCheck::On }, _) => Message::new("settings.advice.pin_on", &[]),
        (Obstacle::NeedsPin { wanted: PinCheck::Off }, _) => Message::new("settings.advice.pin_off", &[]),
        (Obstacle::NotSupported { command }, _) => {
            Message::new(next_key(setting, "settings.advice.unsupported"), &[("command", command)])
        }
        (Obstacle::Refused { command, result }, _) => {
            Message::new(next_key(setting, "settings.advice.refused"), &[("command", command), ("result", result)])
        }
        (Obstacle::DidNotTake { found }, _) => {
            Message::new(next_key(setting, "settings.advice.did_not_take"), &[("found", &value(setting, found))])
        }
    }
}

/// The variant of `base` that ends with the setting's next step.
fn next_key(setting: &Setting, base: &'static str) -> &'static str {
    match (base, setting) {
        ("settings.advice.unsupported", Setting::ApnProfile { .. }) => "settings.advice.unsupported_apn",
        ("settings.advice.unsupported", Setting::NetworkMode) => "settings.advice.unsupported_network",
        ("settings.advice.unsupported", Setting::PinCheck) => "settings.advice.unsupported_pin",
        ("settings.advice.refused", Setting::ApnProfile { .. }) => "settings.advice.refused_apn",
        ("settings.advice.refused", _) => "settings.advice.refused_network",
        (_, Setting::ApnProfile { .. }) => "settings.advice.did_not_take_apn",
        _ => "settings.advice.did_not_take_network",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use modemflash_core::settings::RestoredItem;

    fn report() -> RestoreReport {
        RestoreReport {
            same_device: true,
            items: vec![
                RestoredItem {
                    setting: Setting::ApnProfile { cid: 3 },
                    outcome: RestoreOutcome::Restored { value: "IPV4V6 \"corp\"".into() },
                },
                RestoredItem {
                    setting: Setting::PinCheck,
                    outcome: RestoreOutcome::CouldNot {
                        value: PinCheck::On.to_string(),
                        obstacle: Obstacle::NeedsPin { wanted: PinCheck::On },
                    },
                },
            ],
        }
    }

    fn text(m: &Message, lang: Lang) -> String {
        m.render(lang.catalog())
    }

    #[test]
    fn every_item_reads_as_a_sentence_in_every_language() {
        let view = RestoreView::new(&report());
        assert!(!view.other_device);
        assert_eq!(text(&view.lines[0].setting, Lang::En), "APN profile 3");
        assert_eq!(text(&view.lines[0].outcome, Lang::En), "restored: IPV4V6 \"corp\"");
        assert!(!view.lines[0].failed());
        let pin = &view.lines[1];
        assert!(pin.failed());
        assert_eq!(text(&pin.outcome, Lang::En), "could not be restored (on)");
        assert!(text(pin.advice.as_ref().unwrap(), Lang::En).contains("never sends"));
        for lang in Lang::ALL {
            for line in &view.lines {
                for m in [&line.setting, &line.outcome].into_iter().chain(line.advice.as_ref()) {
                    assert!(!text(m, lang).contains("settings."), "{lang:?}: {}", text(m, lang));
                }
            }
        }
    }

    #[test]
    fn backup_times_read_as_minutes_in_utc() {
        assert_eq!(shown_time("2026-11-25T15:48:38Z"), "2026-11-25 15:48 UTC");
        assert_eq!(shown_time("yesterday"), "yesterday");
    }

    #[test]
    fn a_bad_file_names_itself_in_every_language() {
        let SettingsTask::Failed(m) = SettingsTask::bad_file("x.json", "not a backup") else { panic!() };
        assert_eq!(m.render(Lang::Fr.catalog()), "Impossible de restaurer x.json : not a backup");
    }

    #[test]
    fn every_obstacle_has_advice_for_every_setting() {
        let settings = [Setting::ApnProfile { cid: 1 }, Setting::NetworkMode, Setting::PinCheck];
        let obstacles = [
            Obstacle::NotSupported { command: "AT^SYSCFGEX?".into() },
            Obstacle::Refused { command: "AT+CGDCONT=1".into(), result: "ERROR".into() },
            Obstacle::DidNotTake { found: "x".into() },
        ];
        for s in &settings {
            for o in &obstacles {
                let m = advice(s, o);
                let en = text(&m, Lang::En);
                assert_ne!(en, m.key, "{s:?} {o:?} has no English text");
            }
        }
    }
}
