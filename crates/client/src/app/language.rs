//! The language the app speaks: the agent's choice in the settings, else the
//! first of the OS's preferred languages that the catalogs have, else English.
//! The window, the tray and notifications all follow it.

use super::{App, AppSettings};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use switchboard_i18n::Lang;

/// What the window needs to speak the agent's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LanguageInfo {
    /// The language shown (a catalogs' tag: `en`, `fr`).
    pub language: String,
    /// How dates and numbers are written: the OS's locale when it is in the
    /// shown language (`fr-CA`), else the language's own (`fr`).
    pub locale: String,
    /// The language the OS asks for, as the catalogs have it (what "System"
    /// in the settings means).
    pub system: String,
    /// Every language the app has, each named in its own words.
    pub choices: Vec<LanguageChoice>,
}

/// A language the app has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LanguageChoice {
    pub tag: String,
    /// Its own name for itself ("Français").
    pub name: String,
}

/// The OS's preferred locales, most preferred first, as BCP 47 tags
/// (`fr-CA`; POSIX `fr_CA.UTF-8` is read as that).
pub fn system_locales() -> Vec<String> {
    sys_locale::get_locales()
        .map(|l| l.split(['.', '@']).next().unwrap_or(&l).replace('_', "-"))
        .filter(|l| !l.is_empty() && l != "C" && l != "POSIX")
        .collect()
}

/// The language the OS asks for, as the catalogs have it.
pub fn system_language() -> Lang {
    Lang::negotiate(system_locales().iter().map(String::as_str))
}

impl AppSettings {
    /// The language the app speaks with these settings.
    pub fn lang(&self) -> Lang {
        self.language.unwrap_or_else(system_language)
    }
}

impl App {
    /// The language shown, the OS's and the choices, for the window.
    pub fn language(&self) -> LanguageInfo {
        let lang = self.settings().lang();
        let system = system_locales();
        let locale = system
            .iter()
            .find(|l| {
                let primary = l.split('-').next().unwrap_or_default();
                primary.eq_ignore_ascii_case(lang.tag())
            })
            .cloned()
            .unwrap_or_else(|| lang.tag().to_string());
        LanguageInfo {
            language: lang.tag().to_string(),
            locale,
            system: system_language().tag().to_string(),
            choices: Lang::all()
                .map(|l| LanguageChoice {
                    tag: l.tag().to_string(),
                    name: l.name(),
                })
                .collect(),
        }
    }
}

/// `AppSettings.language` in the settings file and on the wire: the tag, or
/// null for the OS's language. A tag the app does not have is refused.
pub(super) mod tag {
    use super::*;

    pub fn serialize<S: Serializer>(lang: &Option<Lang>, s: S) -> Result<S::Ok, S::Error> {
        lang.map(|l| l.tag()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Lang>, D::Error> {
        let tag: Option<String> = Option::deserialize(d)?;
        match tag {
            None => Ok(None),
            Some(t) => Lang::from_tag(&t).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "the app has no language \"{t}\" (it has {})",
                    Lang::all().map(|l| l.tag()).collect::<Vec<_>>().join(", ")
                ))
            }),
        }
    }
}
