//! Embeds every catalog the Rust side reads: `locales/<language>/*.ftl` at the
//! workspace's top (the UI's own catalogs, in `ui/` beneath, are not read
//! here). Adding a language is adding its folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest.join("../../locales");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut langs: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for dir in sorted(&root) {
        if !dir.is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", dir.display());
        let tag = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a language folder")
            .to_string();
        let files: Vec<PathBuf> = sorted(&dir)
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "ftl"))
            .collect();
        for f in &files {
            println!("cargo:rerun-if-changed={}", f.display());
        }
        langs.push((tag, files));
    }
    // English first: every other language falls back to it.
    langs.sort_by_key(|(tag, _)| (tag != "en", tag.clone()));
    assert!(
        langs.first().is_some_and(|(t, _)| t == "en"),
        "locales/en is missing"
    );
    let mut out = String::from("pub(crate) static CATALOGS: &[(&str, &[(&str, &str)])] = &[\n");
    for (tag, files) in &langs {
        write!(out, "    ({tag:?}, &[").unwrap();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy();
            let abs = f.canonicalize().expect("a catalog");
            write!(
                out,
                "({name:?}, include_str!({:?})), ",
                abs.display().to_string()
            )
            .unwrap();
        }
        out.push_str("]),\n");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("catalogs.rs");
    std::fs::write(dest, out).expect("writing catalogs.rs");
}

fn sorted(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .collect();
    v.sort();
    v
}
