//! A large archive in the real app: 10,000 archived conversations are counted at
//! once, the list fetches its rows as it is scrolled, and its last row opens.

use crate::support::*;

const ARCHIVED: i64 = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn an_archive_of_ten_thousand_scrolls_to_its_end_and_opens_its_last_conversation() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::with_archive(ARCHIVED, 2).await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_alice(&c, &w).await;
    until(
        &c,
        "the whole archive counted",
        &format!(
            "const n = document.querySelector(\"[data-testid='list-archive'] h2 .count\"); \
             return !!n && n.textContent.trim().startsWith('{ARCHIVED}')"
        ),
    )
    .await;
    // Only a screenful of rows is in the page, however long the list.
    let drawn = js(
        &c,
        "return document.querySelectorAll(\"[data-testid='list-archive'] [data-testid='row']\").length",
    )
    .await;
    assert!(drawn.as_u64().unwrap() < 60, "{drawn}");

    // To the end: the last row is the oldest conversation (closed at the same
    // time as the others, so the lowest id: "Customer 1").
    js(
        &c,
        "const s = document.querySelector('.scroller'); s.scrollTop = s.scrollHeight; return true",
    )
    .await;
    let last = format!(
        "document.querySelector(\"[data-testid='list-archive'] li[aria-posinset='{ARCHIVED}'] [data-testid='row']\")"
    );
    until(
        &c,
        "the last archived row drawn",
        &format!("const r = {last}; return !!r && r.textContent.includes('Customer 1') && !r.textContent.includes('Customer 10')"),
    )
    .await;
    screenshot(&c, "archive-end.png").await;
    js(&c, &format!("{last}.click(); return true")).await;
    until(
        &c,
        "the last conversation open with its messages",
        "const v = document.querySelector(\"[data-testid='conversation']\"); \
         return !!v && v.textContent.includes('Customer 1') && v.textContent.includes('message 0 of conversation 1:')",
    )
    .await;
}
