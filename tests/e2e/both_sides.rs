//! Both sides of a conversation in one test: the customer on the real chat
//! page (headless Chromium), and the agent who takes it in the app.

use crate::support::*;
use fantoccini::{Client, Locator};
use serde_json::Value;

/// A customer on the chat page in headless Chromium: starts a chat as `name`
/// and sends `first`. Keep the driver as long as the page is used.
pub async fn customer_on_page(
    w: &World,
    name: &str,
    first: &str,
) -> (switchboard_testkit::chromium::ChromeDriver, Client) {
    use switchboard_testkit::chromium;
    let (driver, page) = chromium::headless().await;
    page.goto(&format!("{}/chat", w.server.base)).await.unwrap();
    let email = format!("{}@example.net", name.to_lowercase());
    chromium::fill_start(&page, name, &email).await;
    chromium::submit_start(&page).await;
    page.find(Locator::Css("#message"))
        .await
        .unwrap()
        .send_keys(&format!(
            "{first}{}",
            char::from(fantoccini::key::Key::Enter)
        ))
        .await
        .unwrap();
    until(
        &page,
        "the first message confirmed",
        "return document.querySelectorAll('#messages li.msg.me:not(.sending)').length === 1 && document.getElementById('message').value === ''",
    )
    .await;
    (driver, page)
}

/// Polls the server's detail of conversation `id` until `check` holds (20 s at most).
pub async fn until_server(w: &World, id: i64, what: &str, check: impl Fn(&Value) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let d = w.detail(id).await;
        if check(&d) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{what}: {d}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Alice signs in to the app, opens the queue's first conversation and takes
/// it; its id.
pub async fn alice_takes_the_first_waiting(c: &Client, w: &World) -> i64 {
    sign_in_alice(c, w).await;
    let id = w.get(0, "/api/v1/snapshot").await["queue"][0]["id"]
        .as_i64()
        .unwrap();
    open_row(c, "queue", id).await;
    click(c, "take").await;
    id
}
