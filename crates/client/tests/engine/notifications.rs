//! Desktop notifications through a real D-Bus notification daemon (dunst), as
//! scripts/test sets up (scripts/desktop-session).

use crate::support::*;
use serde_json::Value;
use switchboard_client::notify::Settings;
use switchboard_client::{Change, ConnectionState};

fn dunstctl(args: &[&str]) -> String {
    let out = std::process::Command::new("dunstctl")
        .args(args)
        .output()
        .expect("dunstctl runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// (appname, summary, body) of every notification the daemon has closed.
fn history() -> Vec<(String, String, String)> {
    let v: Value = serde_json::from_str(&dunstctl(&["history"])).unwrap();
    v["data"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let f = |k: &str| n[k]["data"].as_str().unwrap_or_default().to_string();
            (f("appname"), f("summary"), f("body"))
        })
        .collect()
}

fn displayed() -> usize {
    dunstctl(&["count", "displayed"])
        .trim()
        .parse()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a D-Bus session with a notification daemon (scripts/test runs it)"]
async fn a_waiting_customer_raises_one_desktop_notification_and_a_click_opens_it() {
    // Other test binaries share this daemon: start with nothing on screen.
    dunstctl(&["close-all"]);
    eventually("an empty screen", || (displayed() == 0).then_some(())).await;
    dunstctl(&["history-clear"]);
    let w = World::new(&[]).await;
    let (accounts, session) = w.sign_in(0).await;
    let mut engine = start_engine(&accounts, &session);
    let sink = engine.desktop_sink();
    engine.start_notifications(Box::new(sink), Settings::default());
    let mut changes = engine.changes();
    wait_state(&engine, ConnectionState::Online).await;

    // Hostile text: markup must reach the daemon escaped, shown as typed.
    let (id, token) = w
        .customer("Nadia <b>", "Is anyone <i>there</i>? & more")
        .await;
    eventually("a notification on screen", || {
        (displayed() == 1).then_some(())
    })
    .await;
    w.say(id, &token, "hello??").await;
    w.say(id, &token, "HELLO???").await;
    eventually("the third message applied", || {
        engine
            .lists()
            .unwrap()
            .queue
            .iter()
            .find(|c| c.id == id)?
            .unanswered
            .as_ref()
            .filter(|u| u.body == "HELLO???")
            .map(|_| ())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        displayed(),
        1,
        "one notification per conversation, replaced, not stacked"
    );
    assert_eq!(engine.unanswered_count().unwrap(), 1);

    // Clicking it tells the app which conversation to open.
    dunstctl(&["action", "0"]);
    let clicked = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if let Ok(Change::NotificationClicked { conversation_id }) = changes.recv().await {
                return conversation_id;
            }
        }
    })
    .await
    .expect("the click reached the engine");
    assert_eq!(clicked, id);

    dunstctl(&["close-all"]);
    // (Other test binaries share this daemon, the app's e2e tests among them, with a
    // "Nadia Haddad": only this test's "Nadia <b>" counts.)
    let mine: Vec<_> = history()
        .into_iter()
        .filter(|(app, summary, _)| app == "Switchboard" && summary.starts_with("Nadia <b>"))
        .collect();
    assert_eq!(mine.len(), 1, "{mine:?}");
    let (_, summary, body) = &mine[0];
    assert_eq!(summary, "Nadia <b> · not assigned");
    assert_eq!(body, "HELLO???");

    // A first notification with markup in it reaches the daemon escaped.
    let (_other, _) = w
        .customer("Eve", "<a href='x'>win</a> & <b>prize</b>")
        .await;
    eventually("Eve's notification", || (displayed() == 1).then_some(())).await;
    dunstctl(&["close-all"]);
    let eve = history()
        .into_iter()
        .find(|(_, s, _)| s.starts_with("Eve ·"))
        .expect("Eve's notification");
    assert_eq!(
        eve.2,
        "&lt;a href='x'&gt;win&lt;/a&gt; &amp; &lt;b&gt;prize&lt;/b&gt;"
    );

    // Nadia writes again: on screen; the agent's answer withdraws it (nothing
    // closes it from outside this time), and their own reply raises nothing.
    w.say(id, &token, "Still here!").await;
    eventually("Nadia's notification back", || {
        (displayed() == 1).then_some(())
    })
    .await;
    engine.take(id).unwrap();
    engine.reply(id, "Yes, I'm here").unwrap();
    eventually("withdrawn by the engine", || {
        (displayed() == 0).then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(displayed(), 0, "the agent's own reply raised nothing");
    // Withdrawn, not replaced: the daemon's history has no empty entry.
    let empty: Vec<_> = history()
        .into_iter()
        .filter(|(app, summary, _)| app == "Switchboard" && summary.is_empty())
        .collect();
    assert!(
        empty.is_empty(),
        "empty notifications in the history: {empty:?}"
    );
    assert!(
        history()
            .iter()
            .any(|(_, s, b)| s.starts_with("Nadia <b>") && b == "Still here!"),
        "the withdrawn notification is in the history as it was shown"
    );
    assert_eq!(engine.unanswered_count().unwrap(), 1, "Eve still waits");
}
