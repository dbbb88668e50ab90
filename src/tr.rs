//! The page's language as Leptos context: components look their text up through it, so
//! the language switch re-renders every message.

use leptos::prelude::*;

use crate::i18n::{Catalog, Lang};

/// The language the page speaks; owned by the wizard, provided as context.
#[derive(Clone, Copy)]
pub struct Tr(pub RwSignal<Lang>);

impl Tr {
    /// The page's translations (provided by [`crate::App`]).
    pub fn get() -> Tr {
        expect_context()
    }

    /// The message `key` as a view child that follows the language switch.
    pub fn t(self, key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
        move || self.0.get().catalog().get(key)
    }

    /// The message `key` with its `{name}` parameters, now (tracked: call it in a closure).
    pub fn format(self, key: &str, args: &[(&str, &str)]) -> String {
        self.0.get().catalog().format(key, args)
    }

    /// The catalog of the current language, without tracking (for values stored in state).
    pub fn untracked(self) -> &'static Catalog {
        self.0.get_untracked().catalog()
    }
}
