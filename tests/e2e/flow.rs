//! The manual's flow, in the real app: sign in; a customer writes (a desktop
//! notification, a yellow queue row with the message in red); take; reply (up to
//! date); free; a race lost to another agent, said so; spam with confirmation;
//! end with the questionnaire (Archived, Closed, the time); reopen; offline
//! (search the archive, a reply waits) and back online (sent once).

use crate::support::*;
use fantoccini::Client;
use serde_json::Value;
use std::time::Duration;

/// The rgb() channels of a computed colour.
fn rgb(v: &Value) -> (u32, u32, u32) {
    let s = v.as_str().unwrap_or_default();
    let nums: Vec<u32> = s
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .filter_map(|p| p.trim().parse::<f64>().ok().map(|f| f as u32))
        .collect();
    (nums[0], nums[1], nums[2])
}

/// Waits until the notification daemon shows something.
async fn until_notification_shown() {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while dunstctl(&["count", "displayed"]).trim() == "0" {
        assert!(
            std::time::Instant::now() < deadline,
            "no notification on screen"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Picks the option of a `<select>` (by its `data-testid`) whose text is `label`.
pub(crate) async fn choose(c: &Client, id: &str, label: &str) {
    let picked = js(
        c,
        &format!(
            "const s = document.querySelector(\"[data-testid='{id}']\"); \
             const o = [...s.options].find(o => o.textContent.trim() === '{label}'); \
             if (!o) return false; s.value = o.value; \
             s.dispatchEvent(new Event('change', {{bubbles: true}})); return true"
        ),
    )
    .await;
    assert_eq!(picked, Value::Bool(true), "no option {label} in {id}");
}

/// Ends the open conversation through the Actions menu and the questionnaire.
async fn end_with(c: &Client, subject: &str, mood: &str, shot: Option<&str>) {
    click(c, "actions").await;
    click(c, "action-end").await;
    c.wait().for_element(tid("end-subject")).await.unwrap();
    choose(c, "end-subject", subject).await;
    choose(c, "end-mood", mood).await;
    if let Some(name) = shot {
        screenshot(c, name).await;
    }
    click(c, "end-send").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn the_manuals_flow_in_the_real_app() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let mut w = World::new().await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    dunstctl(&["close-all"]);
    dunstctl(&["history-clear"]);

    // Sign-in errors are said clearly, then Alice signs in.
    sign_in(&c, &w.server.base, &w.agents[0].email, "wrong password").await;
    until(
        &c,
        "the wrong-password message",
        "const e = document.querySelector(\"[data-testid='signin-error']\"); return !!e && /wrong email or password/i.test(e.textContent)",
    )
    .await;
    screenshot(&c, "app-sign-in.png").await;
    sign_in_alice(&c, &w).await;

    // A customer writes: a desktop notification, a yellow row, the message in red.
    let (maria, maria_token) = w.customer("Maria Garcia", "Hello, my parcel is late").await;
    until_row(&c, "Maria in the queue", "queue", maria).await;
    until(
        &c,
        "Maria's message in red on her row",
        &format!(
            "const r = {}; return !!r && r.querySelector(\"[data-testid='row-status']\").textContent.includes('Hello, my parcel is late')",
            row("queue", maria)
        ),
    )
    .await;
    let bg = rgb(&js(
        &c,
        &format!(
            "return getComputedStyle({}).backgroundColor",
            row("queue", maria)
        ),
    )
    .await);
    assert!(
        bg.0 > 200 && bg.1 > 180 && bg.2 < 190 && bg.2 + 30 < bg.0,
        "queue row is yellow: {bg:?}"
    );
    let red = rgb(&js(
        &c,
        &format!(
            "return getComputedStyle({}.querySelector(\"[data-testid='row-status']\")).color",
            row("queue", maria)
        ),
    )
    .await);
    assert!(
        red.0 > 150 && red.1 < 90 && red.2 < 90,
        "unanswered text is red: {red:?}"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let shown = notifications();
        if shown.iter().any(|(app, summary, body)| {
            app == "Switchboard"
                && summary.contains("Maria Garcia")
                && body == "Hello, my parcel is late"
        }) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no desktop notification: {shown:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Clicking a notification brings the app to that conversation.
    let (nadia, _) = w.customer("Nadia Haddad", "Is anyone there?").await;
    until_notification_shown().await;
    dunstctl(&["action", "0"]);
    until(
        &c,
        "Nadia's conversation opened by the notification click",
        &format!(
            "return !!document.querySelector(\"[data-testid='conversation'][data-id='{nadia}']\")"
        ),
    )
    .await;
    screenshot(&c, "app-queue.png").await;

    // Take, then reply: "Conversation up to date".
    open_row(&c, "queue", maria).await;
    click(&c, "take").await;
    until_row(&c, "Maria in My conversations", "mine", maria).await;
    type_into(&c, "composer", "It left the warehouse yesterday.").await;
    click(&c, "send").await;
    until(
        &c,
        "up to date",
        &format!(
            "const r = {}; return !!r && r.querySelector(\"[data-testid='row-status']\").textContent.includes('Conversation up to date')",
            row("mine", maria)
        ),
    )
    .await;
    let d = w.detail(maria).await;
    let replies: Vec<&Value> = d["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "agent")
        .collect();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["body"], "It left the warehouse yesterday.");
    screenshot(&c, "app-conversation.png").await;

    // Free: back in the queue.
    click(&c, "actions").await;
    click(&c, "action-free").await;
    until_row(&c, "Maria back in the queue", "queue", maria).await;
    assert_eq!(
        w.detail(maria).await["conversation"]["state"],
        "not_assigned"
    );

    // A race lost while offline: the take waits, Bob takes first, the app says so.
    let (leo, _) = w.customer("Leo Rossi", "Do you ship to Italy?").await;
    open_row(&c, "queue", leo).await;
    w.server.kill9();
    until(
        &c,
        "the offline banner",
        "return !!document.querySelector(\"[data-testid='offline-banner']\")",
    )
    .await;
    click(&c, "take").await;
    w.server.restart();
    assert_eq!(w.act(1, leo, "take").await, 200, "Bob takes it first");
    until(
        &c,
        "the app saying Bob took it",
        "const n = document.querySelector(\"[data-testid='notice'], [data-testid='outbox-failed']\"); return !!n && n.textContent.includes('Bob')",
    )
    .await;
    assert!(js(&c, &format!("return !{}", row("mine", leo))).await == Value::Bool(true));
    until(
        &c,
        "online again",
        "return !document.querySelector(\"[data-testid='offline-banner']\")",
    )
    .await;

    // Spam, with the confirmation: the conversation leaves every list.
    let (spammer, _) = w.customer("WIN A PRIZE", "Click here!!!").await;
    open_row(&c, "queue", spammer).await;
    click(&c, "take").await;
    until_row(&c, "spammer mine", "mine", spammer).await;
    click(&c, "actions").await;
    click(&c, "action-spam").await;
    click(&c, "spam-confirm").await;
    until(
        &c,
        "the spammer gone",
        &format!("return !document.querySelector(\"[data-testid='row'][data-id='{spammer}']\")"),
    )
    .await;
    assert_eq!(w.detail(spammer).await["conversation"]["state"], "spam");

    // End with the questionnaire: Archived, labelled Closed with the time.
    open_row(&c, "queue", maria).await;
    click(&c, "take").await;
    until_row(&c, "Maria mine again", "mine", maria).await;
    end_with(&c, "Shipping", "Happy", Some("app-end-questionnaire.png")).await;
    until_row(&c, "Maria archived", "archive", maria).await;
    let closed = js(
        &c,
        &format!(
            "return {}.querySelector(\"[data-testid='row-closed']\").textContent",
            row("archive", maria)
        ),
    )
    .await;
    let closed = closed.as_str().unwrap();
    assert!(closed.contains("Closed"), "{closed}");
    assert!(
        closed.chars().any(|ch| ch.is_ascii_digit()),
        "with a date and time: {closed}"
    );
    let d = w.detail(maria).await;
    assert_eq!(
        d["conversation"]["closure"]["questionnaire"]["subject"]["known"],
        "Shipping"
    );
    assert_eq!(
        d["conversation"]["closure"]["questionnaire"]["mood"],
        "happy"
    );
    open_row(&c, "archive", maria).await;
    screenshot(&c, "app-archived.png").await;

    // Reopen: back in My conversations.
    click(&c, "reopen").await;
    until_row(&c, "Maria reopened", "mine", maria).await;
    assert_eq!(w.detail(maria).await["conversation"]["state"], "occupied");
    // End it again so the archive has it for the offline search.
    end_with(&c, "Shipping", "Happy", None).await;
    until_row(&c, "Maria archived again", "archive", maria).await;

    // A conversation to reply to while offline.
    let (tom, _) = w.customer("Tom Becker", "Can I change my plan?").await;
    open_row(&c, "queue", tom).await;
    click(&c, "take").await;
    until_row(&c, "Tom mine", "mine", tom).await;

    // Offline: the banner, the archive searched from the cache, a reply waiting.
    w.server.kill9();
    until(
        &c,
        "the offline banner",
        "return !!document.querySelector(\"[data-testid='offline-banner']\")",
    )
    .await;
    type_into(&c, "search", "parcel").await;
    until(
        &c,
        "a search result with the match highlighted",
        "const r = document.querySelector(\"[data-testid='search-result']\"); return !!r && !!r.querySelector(\"[data-testid='hit']\") && r.textContent.includes('Maria')",
    )
    .await;
    screenshot(&c, "app-offline-search.png").await;
    js(&c, "const s = document.querySelector(\"[data-testid='search']\"); s.value = ''; s.dispatchEvent(new Event('input', {bubbles: true})); return true").await;
    open_row(&c, "mine", tom).await;
    type_into(&c, "composer", "Yes, from next month.").await;
    click(&c, "send").await;
    until(
        &c,
        "the reply pending",
        "return !!document.querySelector(\"[data-testid='outbox-pending']\")",
    )
    .await;

    // Back online: sent exactly once.
    w.server.restart();
    until(
        &c,
        "the reply sent",
        "return !document.querySelector(\"[data-testid='outbox-pending']\") && !document.querySelector(\"[data-testid='offline-banner']\")",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let d = w.detail(tom).await;
    let sent: Vec<&Value> = d["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "agent" && m["body"] == "Yes, from next month.")
        .collect();
    assert_eq!(sent.len(), 1, "sent exactly once: {d}");
    let _ = maria_token;

    // The chat report: Alice's own line, from the server.
    click(&c, "open-report").await;
    until(
        &c,
        "the report table with Alice's line",
        "const t = document.querySelector(\"[data-testid='report-table']\"); return !!t && t.textContent.includes('Alice')",
    )
    .await;
    screenshot(&c, "app-report.png").await;
    click(&c, "open-settings").await;
    until(
        &c,
        "the settings",
        "return !!document.querySelector(\"[data-testid='settings']\")",
    )
    .await;
    screenshot(&c, "app-settings.png").await;
    c.close().await.unwrap();
}
