//! The customers' chat page passes an accessibility audit (axe-core, WCAG 2.x
//! A and AA and best practices) in real headless Chromium, on every screen it
//! has — the start form (also with its errors shown), the conversation, the
//! star rating, the thanks — in the light and the dark theme: no serious or
//! critical violation.

use crate::chat_page::{agent_ends, agent_takes_and_replies, rate, until};
use crate::support::*;
use switchboard_testkit::axe::{assert_accessible, assert_theme};
use switchboard_testkit::chromium;

async fn every_screen(dark: bool) {
    let theme = if dark { "dark" } else { "light" };
    let w = World::standard().await;
    let (api, alice) = (&w.api, w.agent(0));
    let (_driver, c) = chromium::headless_with(dark).await;
    c.goto(&format!("{}/chat", api.base)).await.unwrap();
    assert_theme(&c, dark).await;
    until(
        &c,
        "the start form",
        "return !!document.getElementById('name')",
    )
    .await;
    assert_accessible(&c, &format!("start form ({theme})")).await;

    // Sent empty: the errors are shown (and must be read out too).
    chromium::click_start(&c).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_accessible(&c, &format!("start form with errors ({theme})")).await;

    chromium::chat_says(&c, "Ada", "ada@example.net", "Hello, is anyone there?").await;
    let id = agent_takes_and_replies(&c, api, alice, "Yes, Alice here. How can I help?").await;
    assert_accessible(&c, &format!("conversation ({theme})")).await;

    agent_ends(&c, api, alice, id).await;
    assert_accessible(&c, &format!("star rating ({theme})")).await;
    rate(&c, 5).await;
    assert_accessible(&c, &format!("thanks ({theme})")).await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and the npm fixtures (scripts/test runs it)"]
async fn every_screen_of_the_chat_page_passes_the_audit_in_the_light_theme() {
    every_screen(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and the npm fixtures (scripts/test runs it)"]
async fn every_screen_of_the_chat_page_passes_the_audit_in_the_dark_theme() {
    every_screen(true).await;
}
