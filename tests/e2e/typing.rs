//! Typing and seen between the real chat page (headless Chromium) and the real
//! app (WebKit): each side sees the other typing, and the app shows "Seen" once
//! the page has shown the customer the reply.

use crate::support::*;
use fantoccini::key::Key;
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver, WebKitWebDriver and Chromium (scripts/test runs it)"]
async fn each_side_sees_the_other_typing_and_the_agent_sees_seen() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    let (_chrome, page) = customer_on_page(&w, "Maria", "Hello?").await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    let id = alice_takes_the_first_waiting(&c, &w).await;
    until_reply_composer(&c).await;

    // Maria types (without sending): the app shows it.
    page.find(Locator::Css("#message"))
        .await
        .unwrap()
        .send_keys("I have a question about")
        .await
        .unwrap();
    until(
        &c,
        "Maria typing, in the app",
        "return document.querySelector(\"[data-testid='customer-typing']\")?.textContent.includes('Maria is typing')",
    )
    .await;
    screenshot(&c, "app-typing.png").await;

    // Alice types a reply: the page shows it; then she sends it.
    type_into(&c, "composer", "Of course, ask away").await;
    until(
        &page,
        "Alice typing, on the page",
        "const t = document.getElementById('typing'); return !t.hidden && t.textContent === 'Alice is typing…'",
    )
    .await;
    screenshot(&page, "chat-typing.png").await;
    type_into(&c, "composer", &char::from(Key::Enter).to_string()).await;
    until(
        &page,
        "the reply on the page, and the typing line gone",
        "return document.querySelectorAll('#messages li.msg.agent').length === 1 && document.getElementById('typing').hidden",
    )
    .await;

    // The page showed it: the app says Seen under it.
    until(
        &c,
        "Seen under the reply",
        "const s = document.querySelector(\"[data-testid='seen']\"); return !!s && s.closest(\"[data-testid='message']\").textContent.includes('Of course, ask away')",
    )
    .await;
    screenshot(&c, "app-seen.png").await;
    let d = w.detail(id).await;
    assert!(d["conversation"]["seen_message_id"].is_i64(), "{d}");
}
