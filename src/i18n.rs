//! Translations: every user-facing sentence of the page lives in `src/i18n/{lang}.json`,
//! one flat object of keys to messages, with `{name}` parameters. English is complete
//! by definition; the tests below fail on a key or a parameter missing in any language,
//! and on literal text left in the components.
//!
//! Engine messages (stage titles, check sentences, errors, the log) come from
//! `modemflash-core` and stay English in this pass.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A language the page speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Es,
    Fr,
    Pt,
    Ru,
}

impl Lang {
    /// Every language, in the order the switch lists them.
    pub const ALL: [Lang; 5] = [Lang::En, Lang::Es, Lang::Fr, Lang::Pt, Lang::Ru];

    /// The BCP 47 primary language subtag (`<html lang>`, the switch's values).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::Pt => "pt",
            Lang::Ru => "ru",
        }
    }

    /// The language whose code is `code` (`pt`, `pt-BR`, `PT` …).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The language the person chose last time on this browser (kept in local storage),
    /// else the browser's ([`Lang::negotiate`]): a choice made once is not undone by the
    /// browser's settings at the next visit.
    pub fn initial<'a>(remembered: Option<&str>, preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        remembered.and_then(Lang::from_tag).unwrap_or_else(|| Lang::negotiate(preferred))
    }

    /// The first of the browser's preferred languages (`navigator.languages`) the page
    /// speaks, else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred.into_iter().find_map(Lang::from_tag).unwrap_or(Lang::En)
    }

    /// The language's name in itself, for the switch: the page has only the catalogue in use
    /// (the others are fetched when chosen). Each file's `language.name`, which a test keeps equal.
    pub fn autonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
            Lang::Fr => "Français",
            Lang::Pt => "Português",
            Lang::Ru => "Русский",
        }
    }

    /// The address of this language's catalogue, relative to the page (trunk copies
    /// `src/i18n` next to it; `i18n_fetch` loads it).
    pub fn catalog_url(self) -> String {
        format!("i18n/{}.json", self.code())
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("i18n/en.json"),
            Lang::Es => include_str!("i18n/es.json"),
            Lang::Fr => include_str!("i18n/fr.json"),
            Lang::Pt => include_str!("i18n/pt.json"),
            Lang::Ru => include_str!("i18n/ru.json"),
        }
    }

    /// This language's messages, parsed once. Natively (the tests, the view models) every
    /// file is compiled in; the page embeds none, so its first load carries only the language
    /// in use: there a catalogue not yet [installed](Lang::install) is empty (every key shows
    /// as itself), and the page installs one before it shows it (README "Budgets").
    pub fn catalog(self) -> &'static Catalog {
        let slot = self.slot();
        #[cfg(not(target_arch = "wasm32"))]
        return slot.get_or_init(|| Catalog::parse(self.source()));
        #[cfg(target_arch = "wasm32")]
        {
            static EMPTY: OnceLock<Catalog> = OnceLock::new();
            slot.get().unwrap_or_else(|| EMPTY.get_or_init(Catalog::default))
        }
    }

    /// Whether this language's catalogue is there ([`Lang::catalog`]).
    pub fn is_installed(self) -> bool {
        self.slot().get().is_some()
    }

    /// Keeps `json` (a fetched `i18n/{code}.json`) as this language's catalogue; one that
    /// does not parse is refused, naming the problem.
    pub fn install(self, json: &str) -> Result<(), String> {
        let messages = serde_json::from_str(json).map_err(|e| format!("{}: {e}", self.catalog_url()))?;
        // Installed twice (two quick switches): the first copy stays, both are the same file.
        let _ = self.slot().set(Catalog { messages });
        Ok(())
    }

    fn slot(self) -> &'static OnceLock<Catalog> {
        static CATALOGS: [OnceLock<Catalog>; 5] = [const { OnceLock::new() }; 5];
        &CATALOGS[Lang::ALL.iter().position(|l| *l == self).unwrap_or(0)]
    }
}

/// The messages of one language.
#[derive(Debug, Default)]
pub struct Catalog {
    messages: HashMap<String, String>,
}

impl Catalog {
    /// A translation file; one that does not parse is empty (the tests parse every file).
    #[cfg(not(target_arch = "wasm32"))]
    fn parse(json: &str) -> Catalog {
        Catalog { messages: serde_json::from_str(json).unwrap_or_default() }
    }

    /// The message `key`; the key itself when missing (the tests make that impossible).
    pub fn get(&self, key: &str) -> String {
        self.messages.get(key).cloned().unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with each `{name}` replaced by its value.
    pub fn format(&self, key: &str, args: &[(&str, &str)]) -> String {
        args.iter().fold(self.get(key), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn parameters(message: &str) -> BTreeSet<&str> {
        message.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect()
    }

    #[test]
    fn every_language_has_every_key_with_the_same_parameters() {
        let english: HashMap<String, String> = serde_json::from_str(Lang::En.source()).expect("en.json parses");
        for lang in Lang::ALL {
            let messages: HashMap<String, String> =
                serde_json::from_str(lang.source()).unwrap_or_else(|e| panic!("{}.json: {e}", lang.code()));
            let missing: Vec<_> = english.keys().filter(|k| !messages.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{}.json lacks {missing:?}", lang.code());
            let extra: Vec<_> = messages.keys().filter(|k| !english.contains_key(*k)).collect();
            assert!(extra.is_empty(), "{}.json has keys English lacks: {extra:?}", lang.code());
            for (key, text) in &messages {
                assert_eq!(parameters(text), parameters(&english[key]), "{}.json, {key}", lang.code());
                assert!(!text.trim().is_empty(), "{}.json, {key} is empty", lang.code());
            }
        }
    }

    #[test]
    fn each_language_is_named_in_itself_as_its_file_names_it() {
        for lang in Lang::ALL {
            assert_eq!(lang.autonym(), lang.catalog().get("language.name"), "{}.json", lang.code());
        }
    }

    #[test]
    fn a_fetched_catalogue_that_does_not_parse_is_refused_by_name() {
        let error = Lang::Ru.install("{\"connect.title\": ").unwrap_err();
        assert!(error.starts_with("i18n/ru.json: "), "{error}");
    }

    #[test]
    fn the_browser_language_picks_the_page_language() {
        assert_eq!(Lang::negotiate(["pt-BR", "en-US"]), Lang::Pt);
        assert_eq!(Lang::negotiate(["de-DE", "ru"]), Lang::Ru);
        assert_eq!(Lang::negotiate(["de-DE"]), Lang::En);
        assert_eq!(Lang::negotiate([]), Lang::En);
    }

    #[test]
    fn a_remembered_choice_wins_over_the_browser_language() {
        assert_eq!(Lang::initial(Some("fr"), ["es-ES"]), Lang::Fr);
        assert_eq!(Lang::initial(None, ["es-ES"]), Lang::Es);
        // A stored value the page does not speak (an older release, a hand edit) is ignored.
        assert_eq!(Lang::initial(Some("de"), ["pt-BR"]), Lang::Pt);
    }

    #[test]
    fn parameters_are_filled_in() {
        let es = Lang::Es.catalog();
        assert_eq!(Lang::En.catalog().format("log.summary", &[("count", "3")]), "Log (3 lines)");
        assert!(es.format("log.summary", &[("count", "3")]).contains('3'));
        assert_eq!(es.get("no.such.key"), "no.such.key");
    }

    /// Attributes whose values are markup, not text a person reads.
    const TECHNICAL_ATTRIBUTES: &[&str] = &[
        "class",
        "id",
        "for",
        "type",
        "data-testid",
        "role",
        "aria-live",
        "aria-labelledby",
        "aria-describedby",
        "aria-modal",
        "accept",
        "autocomplete",
        "spellcheck",
        "max",
        "tabindex",
        "scope",
        "href",
        "value",
        "lang",
    ];

    /// String literals of a Rust file with what precedes each, comments skipped.
    fn literals(source: &str) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for line in source.lines().filter(|l| !l.trim_start().starts_with("//")) {
            let mut rest = line;
            let mut before = String::new();
            while let Some(start) = rest.find('"') {
                before.push_str(&rest[..start]);
                let body = &rest[start + 1..];
                let mut end = None;
                let mut escaped = false;
                for (i, c) in body.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            end = Some(i);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                let Some(end) = end else { break };
                found.push((before.clone(), body[..end].to_string()));
                rest = &body[end + 1..];
            }
        }
        found
    }

    /// A literal a person would read: letters that are not a translation key, a
    /// technical attribute's value or a format string without words.
    fn is_text(before: &str, literal: &str) -> bool {
        // Words outside `{…}`: a format string's placeholders name variables, not text.
        let outside_braces: String =
            literal.split('{').map(|part| part.split_once('}').map_or(part, |(_, rest)| rest)).collect();
        let words = outside_braces.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 2).count();
        let is_key = literal.contains('.')
            && literal.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_');
        // One lowercase identifier is markup (a class name, an event); a sentence has more.
        let identifier = literal.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-{:?}".contains(c));
        let attribute = before.trim_end().strip_suffix('=').map(|b| b.rsplit([' ', '<']).next().unwrap_or(""));
        let technical = attribute.is_some_and(|a| TECHNICAL_ATTRIBUTES.contains(&a));
        words > 0 && !is_key && !identifier && !technical
    }

    #[test]
    fn components_hold_no_literal_text() {
        let dir = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("src/components");
        let mut files: Vec<_> = std::fs::read_dir(&dir).expect("src/components").map(|e| e.unwrap().path()).collect();
        files.push(dir.with_file_name("app.rs"));
        let mut offenders = Vec::new();
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            // In app.rs only the markup counts: its other literals are log lines (English, like the engine's).
            let source = match file.file_name().and_then(|n| n.to_str()) {
                Some("app.rs") => {
                    source.split("view! {").skip(1).map(|v| v.split("\n    }\n").next().unwrap_or("")).collect()
                }
                _ => source,
            };
            for (before, literal) in literals(&source) {
                if is_text(&before, &literal) {
                    offenders.push(format!("{}: \"{literal}\"", file.display()));
                }
            }
        }
        assert!(offenders.is_empty(), "text outside the translation files:\n{}", offenders.join("\n"));
    }

    #[test]
    fn the_scan_finds_text_and_lets_markup_through() {
        assert!(is_text("<h2>", "Connect your modem"));
        assert!(is_text("placeholder=", "64 hexadecimal digits"));
        assert!(!is_text("<p class=", "next-step"));
        assert!(!is_text("let class = ", "log-{:?}"));
        assert!(!is_text("tr.t(", "connect.title"));
        assert!(!is_text("format!(", "{:.1}"));
        assert!(!is_text("data-ms=format!(", "{ms:.0}"));
        assert!(is_text("format!(", "{n} checks passed"));
    }
}
