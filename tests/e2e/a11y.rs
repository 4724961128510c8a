//! Every screen of the app passes an accessibility audit (axe-core, WCAG 2.x
//! A and AA and best practices) in the real WebKit webview, in the light and
//! the dark theme: sign-in, the lists, a conversation, the Actions menu, the
//! spam confirmation, the end questionnaire, the archive, search results, the
//! report, settings and the help overlay. No serious or critical violation.
//! And from the keyboard: every stop of Tab through the main screen shows the
//! focus ring (`:focus-visible`, a drawn outline).

use crate::flow::choose;
use crate::support::*;
use fantoccini::key::Key;
use fantoccini::Client;
use std::ffi::OsStr;
use switchboard_testkit::axe::{assert_accessible, assert_theme};

async fn until_shown(c: &Client, what: &str, id: &str) {
    until(
        c,
        what,
        &format!("return !!document.querySelector(\"[data-testid='{id}']\")"),
    )
    .await;
}

async fn until_gone(c: &Client, what: &str, id: &str) {
    until(
        c,
        what,
        &format!("return !document.querySelector(\"[data-testid='{id}']\")"),
    )
    .await;
}

/// Tabs `stops` times from where the focus is; every element reached must show
/// that it has the focus: `:focus-visible`, with an outline drawn.
async fn assert_focus_always_visible(c: &Client, screen: &str, stops: usize) {
    let mut hidden = std::collections::BTreeSet::new();
    let mut reached = std::collections::BTreeSet::new();
    for _ in 0..stops {
        press(c, &char::from(Key::Tab).to_string()).await;
        let stop = js(
            c,
            "const e = document.activeElement;
             if (!e || e === document.body) return null;
             const s = getComputedStyle(e);
             const name = e.dataset.testid || e.getAttribute('aria-label') || e.tagName.toLowerCase() + ' ' + (e.textContent || '').trim().slice(0, 30);
             return { name, ring: e.matches(':focus-visible') && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };",
        )
        .await;
        if stop.is_null() {
            continue;
        }
        let name = stop["name"].as_str().unwrap_or("?").to_string();
        if stop["ring"] != true {
            hidden.insert(name.clone());
        }
        reached.insert(name);
    }
    assert!(reached.len() >= 5, "{screen}: Tab reached only {reached:?}");
    assert!(
        hidden.is_empty(),
        "{screen}: the focus ring does not show on {hidden:?} (reached {reached:?})"
    );
}

async fn every_screen(dark: bool) {
    let theme = if dark { "dark" } else { "light" };
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    // WebKitGTK's prefers-color-scheme follows the GTK theme.
    let env: Vec<(&str, &OsStr)> = if dark {
        vec![("GTK_THEME", OsStr::new("Adwaita:dark"))]
    } else {
        Vec::new()
    };
    let driver = Driver::start_with(&w.data_dir(), &env);
    let c = driver.session().await;
    let audit = |screen: &str| format!("{screen} ({theme})");

    until_shown(&c, "the sign-in form", "signin-server").await;
    assert_theme(&c, dark).await;
    assert_accessible(&c, &audit("sign-in")).await;

    sign_in_alice(&c, &w).await;
    let (maria, _) = w.customer("Maria Garcia", "Hello, my parcel is late").await;
    until_row(&c, "Maria in the queue", "queue", maria).await;
    assert_accessible(&c, &audit("lists")).await;

    open_row(&c, "queue", maria).await;
    assert_accessible(&c, &audit("a conversation")).await;
    assert_focus_always_visible(&c, &audit("the main screen"), 25).await;

    click(&c, "take").await;
    until_row(&c, "Maria mine", "mine", maria).await;
    click(&c, "actions").await;
    until_shown(&c, "the Actions menu", "action-end").await;
    assert_accessible(&c, &audit("the Actions menu")).await;
    click(&c, "action-spam").await;
    until_shown(&c, "the spam confirmation", "spam-confirm").await;
    assert_accessible(&c, &audit("the spam confirmation")).await;
    press(&c, &char::from(Key::Escape).to_string()).await;
    until_gone(&c, "the confirmation closed", "spam-confirm").await;

    click(&c, "actions").await;
    click(&c, "action-end").await;
    until_shown(&c, "the end questionnaire", "end-subject").await;
    assert_accessible(&c, &audit("the end questionnaire")).await;
    choose(&c, "end-subject", "Shipping").await;
    choose(&c, "end-mood", "Happy").await;
    click(&c, "end-send").await;
    until_row(&c, "Maria archived", "archive", maria).await;
    open_row(&c, "archive", maria).await;
    assert_accessible(&c, &audit("the archive")).await;

    type_into(&c, "search", "parcel").await;
    until_shown(&c, "a search result", "search-result").await;
    assert_accessible(&c, &audit("search results")).await;
    js(&c, "const s = document.querySelector(\"[data-testid='search']\"); s.value = ''; s.dispatchEvent(new Event('input', {bubbles: true})); s.blur(); return true").await;

    click(&c, "open-report").await;
    until_shown(&c, "the report", "report-table").await;
    assert_accessible(&c, &audit("the report")).await;

    click(&c, "open-settings").await;
    until_shown(&c, "the settings", "settings-language").await;
    assert_accessible(&c, &audit("settings")).await;
    press(&c, &char::from(Key::Escape).to_string()).await;
    until_gone(&c, "the settings closed", "settings").await;

    js(&c, "document.activeElement.blur(); return true").await;
    press(&c, "?").await;
    until_shown(&c, "the help overlay", "help-overlay").await;
    assert_accessible(&c, &audit("the help overlay")).await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn every_screen_passes_the_audit_in_the_light_theme() {
    every_screen(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn every_screen_passes_the_audit_in_the_dark_theme() {
    every_screen(true).await;
}
