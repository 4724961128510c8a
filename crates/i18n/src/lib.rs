//! Switchboard's words in the user's language, for the Rust side: the tray,
//! notifications, the file chooser, the server's texts to customers, CSV
//! headers and the chat page. The catalogs are Project Fluent files,
//! `locales/<language>/*.ftl` at the workspace's top, embedded at build time
//! (the UI reads its own, `locales/<language>/ui/*.ftl`, with @fluent/bundle).
//! English is complete and the fallback; every language has every message
//! English has (a test compares them). Adding a language is adding a folder.
//!
//! ```
//! use switchboard_i18n::{tr, Lang};
//! let fr = Lang::negotiate(["fr-CA"]);
//! assert_eq!(fr.tag(), "fr");
//! assert_eq!(tr!(Lang::ENGLISH, "tray-waiting", count = 2), "Switchboard: 2 customers waiting");
//! ```

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::FluentResource;
use std::sync::LazyLock;
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::{FluentArgs, FluentValue};
pub use shape::{shape, Shape};

mod shape;

include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));

struct Catalog {
    id: LanguageIdentifier,
    tag: &'static str,
    bundle: FluentBundle<FluentResource>,
}

static LOADED: LazyLock<Vec<Catalog>> = LazyLock::new(|| {
    CATALOGS
        .iter()
        .map(|(tag, files)| {
            let id: LanguageIdentifier = tag
                .parse()
                .unwrap_or_else(|e| panic!("locales/{tag}: not a language tag: {e}"));
            let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
            // Plain text: no Unicode isolation marks around placeables.
            bundle.set_use_isolating(false);
            for (name, source) in files.iter() {
                // A catalog that does not parse fails the catalogs' test; at run
                // time its good messages are still used.
                let resource = FluentResource::try_new(source.to_string())
                    .unwrap_or_else(|(partial, _errors)| partial);
                if let Err(e) = bundle.add_resource(resource) {
                    debug_assert!(false, "locales/{tag}/{name}: {e:?}");
                }
            }
            Catalog { id, tag, bundle }
        })
        .collect()
});

/// A language the catalogs have. [`Lang::ENGLISH`] is complete and the fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lang(usize);

impl Default for Lang {
    fn default() -> Self {
        Lang::ENGLISH
    }
}

impl Lang {
    pub const ENGLISH: Lang = Lang(0);

    /// Every language the catalogs have, English first.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..LOADED.len()).map(Lang)
    }

    /// The language for a tag the catalogs have exactly (`"fr"`), if any.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        LOADED
            .iter()
            .position(|c| c.tag.eq_ignore_ascii_case(tag))
            .map(Lang)
    }

    /// The best language for what the user asked for, in order of preference
    /// (`["fr-CA", "en-US"]`, as an OS or a browser lists them): the first whose
    /// language the catalogs have, else English. Tags that do not parse are
    /// skipped; `fr_FR.UTF-8` (a POSIX locale) reads as `fr-FR`.
    pub fn negotiate<'a>(wanted: impl IntoIterator<Item = &'a str>) -> Lang {
        let requested: Vec<LanguageIdentifier> = wanted
            .into_iter()
            .filter_map(|t| {
                let t = t.split(['.', '@']).next().unwrap_or(t).replace('_', "-");
                t.parse().ok()
            })
            .collect();
        let available: Vec<LanguageIdentifier> = LOADED.iter().map(|c| c.id.clone()).collect();
        let chosen = fluent_langneg::negotiate_languages(
            &requested,
            &available,
            None,
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .and_then(|id| LOADED.iter().position(|c| &c.id == *id))
            .map(Lang)
            .unwrap_or(Lang::ENGLISH)
    }

    /// The language's tag (`"en"`, `"fr"`), as the catalogs' folder is named.
    pub fn tag(self) -> &'static str {
        LOADED[self.0].tag
    }

    /// The language's own name for itself, for a language menu (`"Français"`).
    pub fn name(self) -> String {
        self.text("language-name")
    }

    /// Catalog `file` (`"chat.ftl"`) of this language as written, for a
    /// reader of its own: the chat page reads it with @fluent/bundle.
    pub fn source(self, file: &str) -> Option<&'static str> {
        CATALOGS[self.0]
            .1
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, text)| *text)
    }

    /// Message `id` (or `id.attribute`) in this language, English where this
    /// language lacks it, else the id itself (a catalogs' test keeps that from
    /// happening).
    pub fn text(self, id: &str) -> String {
        self.format(id, None)
    }

    /// Message `id` with its variables. Numbers select plurals by the
    /// language's rules.
    pub fn format(self, id: &str, args: Option<&FluentArgs>) -> String {
        [self, Lang::ENGLISH]
            .into_iter()
            .find_map(|lang| format_in(&LOADED[lang.0].bundle, id, args))
            .unwrap_or_else(|| id.to_string())
    }
}

fn format_in(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    args: Option<&FluentArgs>,
) -> Option<String> {
    let (message, attribute) = match id.split_once('.') {
        Some((m, a)) => (m, Some(a)),
        None => (id, None),
    };
    let message = bundle.get_message(message)?;
    let pattern = match attribute {
        Some(a) => message.get_attribute(a)?.value(),
        None => message.value()?,
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    debug_assert!(errors.is_empty(), "{id}: {errors:?}");
    Some(text.into_owned())
}

/// `tr!(lang, "id")` or `tr!(lang, "id", name = value, count = n)`: message
/// `id` in `lang` with those variables.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:literal $(,)?) => {
        $crate::Lang::text($lang, $id)
    };
    ($lang:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::FluentArgs::new();
        $(args.set(stringify!($name), $value);)+
        $crate::Lang::format($lang, $id, Some(&args))
    }};
}
