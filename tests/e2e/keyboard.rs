//! The keyboard shortcuts, pressed in the real window: next and previous, take,
//! write and send, spam's confirmation, help, free, take next, search.

use crate::support::*;
use fantoccini::key::Key;
use fantoccini::Client;

fn key(k: Key) -> String {
    char::from(k).to_string()
}

/// The id of the conversation on screen.
async fn open_id(c: &Client) -> Option<i64> {
    js(
        c,
        "const e = document.querySelector(\"[data-testid='conversation']\"); return e ? Number(e.dataset.id) : null",
    )
    .await
    .as_i64()
}

async fn until_open(c: &Client, id: i64) {
    until(
        c,
        &format!("conversation {id} on screen"),
        &format!(
            "return !!document.querySelector(\"[data-testid='conversation'][data-id='{id}']\")"
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn every_action_works_from_the_keyboard() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_alice(&c, &w).await;
    let (ben, _) = w.customer("Ben", "First in line").await;
    let (ada, _) = w.customer("Ada", "Second in line").await;
    until_row(&c, "Ada's row", "queue", ada).await;
    until_row(&c, "Ben's row", "queue", ben).await;
    js(
        &c,
        "document.activeElement && document.activeElement.blur(); return true",
    )
    .await;

    // j and k walk the queue (the longest wait first: Ben, then Ada).
    press(&c, "j").await;
    until_open(&c, ben).await;
    press(&c, "j").await;
    until_open(&c, ada).await;
    press(&c, "k").await;
    until_open(&c, ben).await;

    // t takes it.
    press(&c, "t").await;
    until_server(&w, ben, "Ben taken by Alice", |d| {
        d["conversation"]["occupant"]["name"] == "Alice"
    })
    .await;

    // c goes to the composer; Enter sends.
    until(
        &c,
        "the composer",
        "return !!document.querySelector(\"[data-testid='composer']\")",
    )
    .await;
    press(&c, "c").await;
    until(
        &c,
        "the composer focused",
        "return document.activeElement && document.activeElement.dataset.testid === 'composer'",
    )
    .await;
    press(&c, &format!("Typed without a mouse{}", key(Key::Enter))).await;
    until_server(&w, ben, "the reply on the server", |d| {
        d["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["author"] == "agent" && m["body"] == "Typed without a mouse")
    })
    .await;

    // Back out of the composer (as a click elsewhere would), then s asks to
    // confirm spam and Esc says no.
    js(&c, "document.activeElement.blur(); return true").await;
    press(&c, "s").await;
    until(
        &c,
        "the spam confirmation",
        "return !!document.querySelector(\"[data-testid='spam-confirm']\")",
    )
    .await;
    press(&c, &key(Key::Escape)).await;
    until(
        &c,
        "the confirmation closed",
        "return !document.querySelector(\"[data-testid='spam-confirm']\")",
    )
    .await;
    assert_eq!(w.detail(ben).await["conversation"]["state"], "occupied");

    // ? shows the shortcuts; Esc closes them.
    press(&c, "?").await;
    until(
        &c,
        "the help overlay",
        "const e = document.querySelector(\"[data-testid='help-overlay']\"); return !!e && /Take the conversation/.test(e.textContent)",
    )
    .await;
    press(&c, &key(Key::Escape)).await;
    until(
        &c,
        "the help overlay closed",
        "return !document.querySelector(\"[data-testid='help-overlay']\")",
    )
    .await;

    // f frees it.
    press(&c, "f").await;
    until_server(&w, ben, "Ben back in the queue", |d| {
        d["conversation"]["state"] == "not_assigned"
    })
    .await;
    assert_eq!(open_id(&c).await, Some(ben));

    // n takes the customer who has waited longest: Ada, still waiting, before
    // Ben, answered and waiting for nothing.
    until(
        &c,
        "the queue in the order it is served",
        &format!(
            "return [...document.querySelectorAll(\"[data-testid='row'][data-list='queue']\")].map(r => r.dataset.id).join() === '{ada},{ben}'"
        ),
    )
    .await;
    press(&c, "n").await;
    until_server(&w, ada, "Ada taken by Alice", |d| {
        d["conversation"]["occupant"]["name"] == "Alice"
    })
    .await;
    until_open(&c, ada).await;
    assert_eq!(w.detail(ben).await["conversation"]["state"], "not_assigned");

    // / goes to the search.
    press(&c, "/").await;
    until(
        &c,
        "the search focused",
        "return document.activeElement && document.activeElement.dataset.testid === 'search'",
    )
    .await;
}
