//! Accessibility audits with axe-core (Deque's engine, the npm package that
//! `scripts/test` installs into `tests/`), run inside the page a WebDriver
//! session shows: real Chromium for the chat page, the app's real WebKit
//! webview through tauri-driver. The script is handed over through WebDriver
//! (not loaded by the page), so the pages' CSP stays as strict as shipped.

use fantoccini::Client;
use serde_json::{json, Value};
use std::path::PathBuf;

/// One rule broken: its id, impact, what it says, and where (CSS selectors).
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub id: String,
    pub impact: String,
    pub help: String,
    pub targets: Vec<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {}: {} at {:?}",
            self.impact, self.id, self.help, self.targets
        )
    }
}

fn script() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (scripts/test installs axe-core)", path.display()))
}

/// Audits what the page shows now against WCAG 2.0, 2.1 and 2.2 A and AA (and
/// axe's best practices); the serious and critical violations.
pub async fn serious_violations(c: &Client) -> Vec<Violation> {
    // The screen as it settles: a line fading in is not yet its final colour.
    for _ in 0..40 {
        let moving = c
            .execute(
                "return document.getAnimations().some(a => a.playState === 'running')",
                vec![],
            )
            .await
            .unwrap();
        if moving != Value::Bool(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    if c.execute("return typeof window.axe === 'object'", vec![])
        .await
        .unwrap()
        != Value::Bool(true)
    {
        // Defined as a global by the script itself.
        c.execute(&script(), vec![]).await.expect("axe-core loads");
    }
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.axe.run(document, {
               runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
               resultTypes: ['violations'],
             }).then(r => done(r.violations.map(v => ({
               id: v.id, impact: v.impact || '', help: v.help,
               targets: v.nodes.map(n => n.target.join(' ')),
             }))), e => done({ error: String(e) }));",
            vec![json!(null)],
        )
        .await
        .expect("axe-core runs");
    if let Some(e) = found.get("error") {
        panic!("axe-core failed: {e}");
    }
    found
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|v| Violation {
            id: v["id"].as_str().unwrap_or_default().to_string(),
            impact: v["impact"].as_str().unwrap_or_default().to_string(),
            help: v["help"].as_str().unwrap_or_default().to_string(),
            targets: v["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(String::from))
                .collect(),
        })
        .filter(|v| v.impact == "serious" || v.impact == "critical")
        .collect()
}

/// Fails unless the page is in the dark theme when `dark`, else the light one
/// (`prefers-color-scheme`, as the OS or browser says it).
pub async fn assert_theme(c: &Client, dark: bool) {
    let shown = c
        .execute(
            "return matchMedia('(prefers-color-scheme: dark)').matches",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        shown,
        Value::Bool(dark),
        "the page is in the dark theme: {shown}"
    );
}

/// Fails with every serious or critical violation on `screen`.
pub async fn assert_accessible(c: &Client, screen: &str) {
    let found = serious_violations(c).await;
    assert!(
        found.is_empty(),
        "{screen}: {} serious or critical accessibility violations:\n{}",
        found.len(),
        found
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
