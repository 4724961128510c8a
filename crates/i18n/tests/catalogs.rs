//! Every language has exactly the messages English has: the same files, the
//! same messages and attributes, each using the same variables; and every
//! catalog parses. This covers the UI's catalogs (`locales/*/ui/`) too, so
//! a language missing a word fails `scripts/test` whichever side reads it.

use std::path::{Path, PathBuf};
use switchboard_i18n::Shape;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales")
}

fn files(dir: &Path, under: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, under, out);
        } else if p.extension().is_some_and(|x| x == "ftl") {
            out.push(p.strip_prefix(under).unwrap().to_path_buf());
        }
    }
}

fn shape(path: &Path) -> Result<Shape, String> {
    let source = std::fs::read_to_string(path).unwrap();
    switchboard_i18n::shape(&source).map_err(|e| format!("{}: {e}", path.display()))
}

#[test]
fn every_language_has_every_message_english_has_with_the_same_variables() {
    let root = root();
    let mut languages: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    languages.sort();
    let english = root.join("en");
    let mut english_files = Vec::new();
    files(&english, &english, &mut english_files);
    english_files.sort();
    assert!(
        !english_files.is_empty(),
        "no catalogs in {}",
        english.display()
    );
    let mut problems = Vec::new();
    for lang in &languages {
        let tag = lang.file_name().unwrap().to_string_lossy().to_string();
        let mut theirs = Vec::new();
        files(lang, lang, &mut theirs);
        theirs.sort();
        for extra in theirs.iter().filter(|f| !english_files.contains(f)) {
            problems.push(format!(
                "{tag}/{}: English has no such catalog",
                extra.display()
            ));
        }
        for file in &english_files {
            let (en, other) = match (shape(&english.join(file)), shape(&lang.join(file))) {
                (Ok(en), Ok(other)) => (en, other),
                (Err(e), _) | (_, Err(e)) => {
                    problems.push(e);
                    continue;
                }
            };
            let name = format!("{tag}/{}", file.display());
            for (id, vars) in &en {
                match other.get(id) {
                    None => problems.push(format!("{name}: `{id}` is missing")),
                    Some(v) if v != vars => {
                        problems.push(format!("{name}: `{id}` uses {v:?}, English uses {vars:?}"))
                    }
                    Some(_) => {}
                }
            }
            for id in other.keys().filter(|id| !en.contains_key(*id)) {
                problems.push(format!("{name}: `{id}` is not in English"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the catalogs differ:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_rust_side_finds_its_words_in_every_language() {
    use switchboard_i18n::{tr, Lang};
    let langs: Vec<&str> = Lang::all().map(|l| l.tag()).collect();
    assert_eq!(langs[0], "en");
    assert!(langs.contains(&"fr"), "{langs:?}");
    let fr = Lang::from_tag("fr").unwrap();
    assert_eq!(
        tr!(Lang::ENGLISH, "tray-waiting", count = 0),
        "Switchboard: nobody waiting"
    );
    assert_eq!(
        tr!(Lang::ENGLISH, "tray-waiting", count = 1),
        "Switchboard: 1 customer waiting"
    );
    assert_eq!(
        tr!(Lang::ENGLISH, "tray-waiting", count = 3),
        "Switchboard: 3 customers waiting"
    );
    // French plurals: 0 and 1 are singular ("one"), and 0 has its own words here.
    assert_eq!(
        tr!(fr, "tray-waiting", count = 1),
        "Switchboard\u{a0}: 1 client attend"
    );
    assert_eq!(
        tr!(fr, "tray-waiting", count = 2),
        "Switchboard\u{a0}: 2 clients attendent"
    );
    assert_eq!(fr.name(), "Français");
    // A name is inserted as it is, without isolation marks.
    assert_eq!(
        tr!(fr, "notify-transferred-body", name = "Ada <b>"),
        "Transférée par Ada <b>"
    );
}

#[test]
fn languages_are_negotiated_from_what_the_os_or_browser_lists() {
    use switchboard_i18n::Lang;
    let tag = |wanted: &[&str]| Lang::negotiate(wanted.iter().copied()).tag();
    assert_eq!(tag(&["fr-CA", "en-US"]), "fr");
    assert_eq!(tag(&["de-DE", "fr"]), "fr");
    assert_eq!(tag(&["fr_FR.UTF-8"]), "fr");
    assert_eq!(tag(&["de-DE"]), "en");
    assert_eq!(tag(&["not a tag", "en-GB"]), "en");
    assert_eq!(tag(&[]), "en");
    assert_eq!(Lang::from_tag("FR").map(|l| l.tag()), Some("fr"));
    assert_eq!(Lang::from_tag("xx"), None);
}

#[test]
fn french_puts_a_no_break_space_before_high_punctuation() {
    let fr = root().join("fr");
    let mut found = Vec::new();
    files(&fr, &fr, &mut found);
    let mut problems = Vec::new();
    for file in found {
        let text = std::fs::read_to_string(fr.join(&file)).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            // The words of the line: after `id =`, or a continuation or variant.
            let words = line.split_once(" = ").map_or(line, |(_, w)| w);
            for mark in [" :", " ;", " !", " ?", " »", "« "] {
                if words.contains(mark) {
                    problems.push(format!(
                        "fr/{}:{}: plain space in {mark:?}: {line}",
                        file.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
