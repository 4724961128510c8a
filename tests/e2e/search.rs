//! Searching in the real app against the real engine and server: one row per
//! conversation however many of its lines match, each marked with its list;
//! a new query replaces every row; opening a result goes to its first match and
//! marks them all; customer text shows exactly as sent, private-use characters
//! included.

use crate::support::*;
use fantoccini::Client;

/// Types a query into the search box (replacing what was there).
async fn search_for(c: &Client, query: &str) {
    js(
        c,
        &format!(
            "const s = document.querySelector(\"[data-testid='search']\"); s.value = {}; \
             s.dispatchEvent(new Event('input', {{bubbles: true}})); return true",
            serde_json::to_string(query).unwrap()
        ),
    )
    .await;
}

/// The result rows as drawn: (conversation id, list, snippet texts, marked
/// texts in the snippets, marked texts in the name, match count text).
async fn rows(c: &Client) -> Vec<(i64, String, Vec<String>, Vec<String>, Vec<String>, String)> {
    let v = js(
        c,
        "return [...document.querySelectorAll(\"[data-testid='search-result']\")].map(r => [\
           Number(r.dataset.id), r.dataset.list,\
           [...r.querySelectorAll(\"[data-testid='snippet']\")].map(s => s.textContent),\
           [...r.querySelectorAll(\"[data-testid='snippet'] [data-testid='hit']\")].map(h => h.textContent),\
           [...r.querySelectorAll(\".name [data-testid='hit']\")].map(h => h.textContent),\
           (r.querySelector(\"[data-testid='match-count']\") || {textContent: ''}).textContent])",
    )
    .await;
    serde_json::from_value(v).unwrap()
}

/// Waits until the results are these conversations, in this order, and the
/// summary counts exactly the rows drawn.
async fn until_results(c: &Client, what: &str, ids: &[i64]) {
    let expected = serde_json::to_string(ids).unwrap();
    let n = ids.len();
    let summary = if n == 1 {
        "1 conversation".to_string()
    } else {
        format!("{n} conversations")
    };
    until(
        c,
        what,
        &format!(
            "const ids = [...document.querySelectorAll(\"[data-testid='search-result']\")].map(r => Number(r.dataset.id)); \
             const s = document.querySelector(\"[aria-label='Search results'] [role='status']\"); \
             return JSON.stringify(ids) === '{expected}' && !!s && s.textContent.trim() === '{summary}'"
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn search_gives_one_row_per_conversation_marked_with_its_list() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;

    // Archived: two matching lines (and enough others that the first match is
    // far above the end), then a customer matching by name and by a message.
    let (maria, maria_token) = w.customer("Maria Garcia", "Where is my parcel?").await;
    w.say(maria, &maria_token, "The parcel number is 42.").await;
    for i in 0..40 {
        w.say(maria, &maria_token, &format!("Another line, number {i}."))
            .await;
    }
    w.take_and_end(0, maria).await;
    let (ann, _) = w.customer("Ann Parcel", "Is my parcel insured?").await;
    w.take_and_end(0, ann).await;
    // Not assigned, with characters the old snippets used as match marks.
    let (leo, _) = w
        .customer(
            "Leo Rossi",
            "\u{E000}refund\u{E001} Where is the parcel office?",
        )
        .await;
    // Mine.
    let (tom, _) = w.customer("Tom Becker", "A parcel came broken.").await;
    assert_eq!(w.act(0, tom, "take").await, 200);

    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_alice(&c, &w).await;
    until_row(&c, "Tom in My conversations", "mine", tom).await;
    until_row(&c, "Leo in the queue", "queue", leo).await;
    until_row(&c, "Maria archived", "archive", maria).await;
    until_row(&c, "Ann archived", "archive", ann).await;

    let placeholder = js(
        &c,
        "return document.querySelector(\"[data-testid='search']\").placeholder",
    )
    .await;
    assert!(
        placeholder
            .as_str()
            .unwrap()
            .starts_with("Search all conversations"),
        "{placeholder}"
    );

    search_for(&c, "parcel").await;
    until_results(
        &c,
        "one row per conversation, newest first",
        &[tom, leo, ann, maria],
    )
    .await;
    let drawn = rows(&c).await;
    let by_id = |id: i64| drawn.iter().find(|r| r.0 == id).unwrap().clone();
    let m = by_id(maria);
    assert_eq!(m.1, "archive");
    assert_eq!(
        m.2,
        vec!["Where is my parcel?", "The parcel number is 42."],
        "both lines"
    );
    assert_eq!(m.3, vec!["parcel", "parcel"]);
    assert_eq!(m.5, "2 matches");
    let a = by_id(ann);
    assert_eq!(a.1, "archive");
    assert_eq!(a.4, vec!["Parcel"], "the name matched");
    assert_eq!(a.2, vec!["Is my parcel insured?"], "and the message");
    let l = by_id(leo);
    assert_eq!(l.1, "queue");
    assert_eq!(
        l.2,
        vec!["\u{E000}refund\u{E001} Where is the parcel office?"],
        "shown exactly as sent"
    );
    assert_eq!(l.3, vec!["parcel"], "only the real match is marked");
    assert_eq!(by_id(tom).1, "mine");
    let labels = js(
        &c,
        "return [...document.querySelectorAll(\"[data-testid='result-list']\")].map(l => l.textContent.trim())",
    )
    .await;
    assert_eq!(
        labels,
        serde_json::json!(["Mine", "Not assigned", "Archived", "Archived"])
    );
    screenshot(&c, "app-search.png").await;

    // Two more queries whose results overlap: each replaces every row.
    search_for(&c, "parcel number").await;
    until_results(&c, "only Maria for 'parcel number'", &[maria]).await;
    search_for(&c, "where").await;
    until_results(&c, "Leo and Maria for 'where'", &[leo, maria]).await;
    search_for(&c, "parcel").await;
    until_results(&c, "all four again", &[tom, leo, ann, maria]).await;

    // Opening Maria's row: her conversation, at its first match, both marked.
    js(
        &c,
        &format!(
            "document.querySelector(\"[data-testid='search-result'][data-id='{maria}']\").click(); return true"
        ),
    )
    .await;
    until(
        &c,
        "Maria's conversation with both matches marked",
        &format!(
            "const v = document.querySelector(\"[data-testid='conversation'][data-id='{maria}']\"); \
             return !!v && v.querySelectorAll(\"[data-testid='match']\").length === 2"
        ),
    )
    .await;
    until(
        &c,
        "the first match in view",
        "const h = document.querySelector('.history'); \
         const m = document.querySelector(\"[data-testid='match']\"); \
         if (!h || !m) return false; \
         const a = h.getBoundingClientRect(), b = m.getBoundingClientRect(); \
         return b.top >= a.top && b.bottom <= a.bottom && h.scrollTop + h.clientHeight < h.scrollHeight - 40",
    )
    .await;
    let marked = js(
        &c,
        "return [...document.querySelectorAll(\"[data-testid='match']\")].map(m => m.textContent)",
    )
    .await;
    assert_eq!(marked, serde_json::json!(["parcel", "parcel"]));

    // Leo's line in his conversation: as sent, only "parcel" marked.
    js(
        &c,
        &format!(
            "document.querySelector(\"[data-testid='search-result'][data-id='{leo}']\").click(); return true"
        ),
    )
    .await;
    until(
        &c,
        "Leo's line as sent, with one mark",
        &format!(
            "const v = document.querySelector(\"[data-testid='conversation'][data-id='{leo}']\"); \
             if (!v) return false; \
             const body = v.querySelector(\"[data-testid='message-body']\"); \
             const marks = [...v.querySelectorAll(\"[data-testid='match']\")].map(m => m.textContent); \
             return body.textContent === '\\uE000refund\\uE001 Where is the parcel office?' && JSON.stringify(marks) === '[\"parcel\"]'"
        ),
    )
    .await;

    // A new query marks the open conversation anew.
    search_for(&c, "office").await;
    until(
        &c,
        "Leo's line marked for the new query",
        "const marks = [...document.querySelectorAll(\"[data-testid='conversation'] [data-testid='match']\")].map(m => m.textContent); \
         return JSON.stringify(marks) === '[\"office\"]'",
    )
    .await;

    // Clearing the search: the lists again, and no marks.
    search_for(&c, "").await;
    until(
        &c,
        "the lists back, unmarked",
        "return !!document.querySelector(\"[data-testid='list-queue']\") && !document.querySelector(\"[data-testid='match']\")",
    )
    .await;
    c.close().await.unwrap();
}
