//! Internal notes between the real app (WebKit) and the real chat page
//! (headless Chromium): Alice writes a note and a reply; the customer's page
//! shows the reply, never the note, also after a reload.

use crate::support::*;
use fantoccini::key::Key;
use serde_json::{json, Value};

const PAGE_BODIES: &str =
    "return Array.from(document.querySelectorAll('#messages li.msg .body')).map(e => e.textContent)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver, WebKitWebDriver and Chromium (scripts/test runs it)"]
async fn a_note_stays_in_the_app_and_never_reaches_the_chat_page() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;

    // Maria starts a chat on the page.
    let (_chrome, page) = customer_on_page(&w, "Maria", "My parcel is late").await;

    // Alice takes it in the app, writes a note, then a reply.
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_alice(&c, &w).await;
    let snapshot = w.get(0, "/api/v1/snapshot").await;
    let id = snapshot["queue"][0]["id"].as_i64().unwrap();
    open_row(&c, "queue", id).await;
    // Before taking it: only a note may be written.
    until(
        &c,
        "the note-only composer",
        "return document.querySelector(\"[data-testid='composer']\")?.closest('form').dataset.kind === 'note'",
    )
    .await;
    click(&c, "take").await;
    click(&c, "compose-note").await;
    type_into(
        &c,
        "composer",
        &format!(
            "Courier confirms the parcel is lost{}",
            char::from(Key::Enter)
        ),
    )
    .await;
    until(
        &c,
        "the note in the history",
        "return [...document.querySelectorAll(\"[data-testid='message'][data-author='note']\")].some(m => m.textContent.includes('Courier confirms'))",
    )
    .await;
    screenshot(&c, "app-note.png").await;
    click(&c, "compose-reply").await;
    type_into(
        &c,
        "composer",
        &format!(
            "Sorry Maria, we are sending a new one{}",
            char::from(Key::Enter)
        ),
    )
    .await;
    until_server(&w, id, "the reply on the server", |d: &Value| {
        d["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["author"] == "agent")
    })
    .await;
    let notes: Vec<Value> = w.detail(id).await["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "note")
        .cloned()
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["body"], "Courier confirms the parcel is lost");

    // The page shows the reply and not the note, live and after a reload.
    until(
        &page,
        "the reply on the page",
        "return document.querySelectorAll('#messages li.msg.agent').length === 1",
    )
    .await;
    let expected = json!(["My parcel is late", "Sorry Maria, we are sending a new one"]);
    assert_eq!(js(&page, PAGE_BODIES).await, expected);
    page.refresh().await.unwrap();
    until(
        &page,
        "the page after a reload",
        "return document.querySelectorAll('#messages li.msg.agent').length === 1",
    )
    .await;
    assert_eq!(js(&page, PAGE_BODIES).await, expected);
    let text = js(&page, "return document.body.innerText").await;
    assert!(!text.as_str().unwrap().contains("Courier"), "{text}");
}
