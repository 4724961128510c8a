//! Canned replies in the app: synced from the snapshot and live from the
//! stream, readable offline, and filled in for a conversation.

use crate::app::futures_lite;
use crate::support::*;
use serde_json::json;
use switchboard_client::{App, Change, ConnectionState};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canned_replies_sync_live_work_offline_and_are_filled_in() {
    let mut w = World::new(&[]).await;
    let sam = w.token(2).to_string();
    let (status, _) = w
        .post(
            "/api/v1/canned-replies",
            Some(&sam),
            json!({"title": "Greeting", "shortcut": "hello", "body": "Hello {customer.name}, {agent.name} here."}),
        )
        .await;
    assert_eq!(status, 201);
    let app = App::new(Some(w.app_dir("app")), false, false).unwrap();
    app.sign_in(&w.server.base, &w.agents[0].2, PASSWORD)
        .await
        .unwrap();
    let mut changes = app.subscribe();
    // From the snapshot.
    let replies = eventually("the greeting synced", || {
        futures_lite(app.canned_replies()).filter(|r| !r.is_empty())
    })
    .await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].shortcut, "hello");

    // A supervisor adds one: the app hears of it and has both.
    let (status, _) = w
        .post(
            "/api/v1/canned-replies",
            Some(&sam),
            json!({"title": "Refund", "shortcut": "refund", "body": "Refunded, {customer.name}."}),
        )
        .await;
    assert_eq!(status, 201);
    // Told by a change (the snapshot's own may come first).
    let heard = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Some(c) = changes.next().await {
            if matches!(c, Change::CannedReplies) && app.canned_replies().await.unwrap().len() == 2
            {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(heard, Ok(true));
    let replies = app.canned_replies().await.unwrap();
    let shortcuts: Vec<&str> = replies.iter().map(|r| r.shortcut.as_str()).collect();
    assert_eq!(shortcuts, ["hello", "refund"]);

    // Filled in for Maria's conversation, as Alice.
    let (id, _) = w.customer("Maria", "Hello?").await;
    eventually("Maria in the queue", || {
        futures_lite(app.lists()).and_then(|l| l.queue.iter().any(|c| c.id == id).then_some(()))
    })
    .await;
    let text = app.canned_text(id, replies[0].id).await.unwrap();
    assert_eq!(text, "Hello Maria, Alice here.");

    // Offline: the server is gone; the replies and their text still come.
    w.server.kill9();
    eventually("offline", || {
        futures_lite(async { Ok(app.connection().await) }).filter(|s| *s != ConnectionState::Online)
    })
    .await;
    assert_eq!(app.canned_replies().await.unwrap(), replies);
    assert_eq!(
        app.canned_text(id, replies[1].id).await.unwrap(),
        "Refunded, Maria."
    );
    let missing = app.canned_text(id, 999_999).await.unwrap_err();
    assert_eq!(missing.code, switchboard_client::ErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_manages_them_from_the_app_and_every_app_follows() {
    use switchboard_client::ErrorCode;
    let w = World::new(&[]).await;
    let sam = App::new(Some(w.app_dir("sam")), false, false).unwrap();
    sam.sign_in(&w.server.base, &w.agents[2].2, PASSWORD)
        .await
        .unwrap();
    let alice = App::new(Some(w.app_dir("alice")), false, false).unwrap();
    alice
        .sign_in(&w.server.base, &w.agents[0].2, PASSWORD)
        .await
        .unwrap();

    let saved = sam
        .save_canned_reply(
            None,
            " Greeting ".into(),
            "Hello".into(),
            "Hi {customer.name}!".into(),
        )
        .await
        .unwrap();
    assert_eq!(
        (saved.title.as_str(), saved.shortcut.as_str()),
        ("Greeting", "hello")
    );
    let synced = eventually("Alice's app has the greeting", || {
        futures_lite(alice.canned_replies()).filter(|r| r.len() == 1)
    })
    .await;
    assert_eq!(synced[0], saved);

    // Refusals come with the server's codes, and change nothing.
    let taken = sam
        .save_canned_reply(None, "Again".into(), "hello".into(), "Hi".into())
        .await
        .unwrap_err();
    assert_eq!(taken.code, ErrorCode::ShortcutTaken);
    let unknown = sam
        .save_canned_reply(
            None,
            "Odd".into(),
            "odd".into(),
            "Hi {customer.email}".into(),
        )
        .await
        .unwrap_err();
    assert_eq!(unknown.code, ErrorCode::InvalidField);
    assert!(
        unknown.message.contains("{customer.email}"),
        "{}",
        unknown.message
    );
    let by_agent = alice
        .save_canned_reply(None, "Mine".into(), "mine".into(), "Hi".into())
        .await
        .unwrap_err();
    assert_eq!(by_agent.code, ErrorCode::Forbidden);

    // Changed: Alice's app follows.
    let changed = sam
        .save_canned_reply(
            Some(saved.id),
            "Greeting".into(),
            "hi".into(),
            "Good morning {customer.name}".into(),
        )
        .await
        .unwrap();
    eventually("Alice's app has the change", || {
        futures_lite(alice.canned_replies()).filter(|r| r.len() == 1 && r[0] == changed)
    })
    .await;

    // Deleted: gone from both apps; deleting again is not found.
    sam.delete_canned_reply(saved.id).await.unwrap();
    eventually("gone from Alice's app", || {
        futures_lite(alice.canned_replies()).filter(|r| r.is_empty())
    })
    .await;
    eventually("gone from Sam's app", || {
        futures_lite(sam.canned_replies()).filter(|r| r.is_empty())
    })
    .await;
    let again = sam.delete_canned_reply(saved.id).await.unwrap_err();
    assert_eq!(again.code, ErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_come_in_the_apps_language_the_servers_and_the_apps_own() {
    let w = World::new(&[]).await;
    let app = App::new(Some(w.app_dir("app")), false, false).unwrap();
    app.sign_in(&w.server.base, &w.agents[2].2, PASSWORD)
        .await
        .unwrap();
    let blank = || app.save_canned_reply(None, " ".into(), "hi".into(), "Hello".into());
    // The server's English, as documented, while the app speaks English…
    let mut settings = app.settings();
    settings.language = switchboard_i18n::Lang::from_tag("en");
    app.set_settings(settings).await.unwrap();
    let e = blank().await.unwrap_err();
    assert_eq!(
        e.code,
        switchboard_client::ClientErrorCode::Server(switchboard_protocol::ErrorCode::InvalidField)
    );
    assert_eq!(e.message, "title must not be blank");
    // …and French once the agent chooses French.
    settings.language = switchboard_i18n::Lang::from_tag("fr");
    app.set_settings(settings).await.unwrap();
    let e = blank().await.unwrap_err();
    assert_eq!(e.message, "le titre ne doit pas être vide");
    // The app's own refusals too.
    let link = app.openable_link("ftp://example.com/x").unwrap_err();
    assert_eq!(link.message, "les liens de type ftp: ne sont pas ouverts");
    let mut odd = settings;
    odd.reminder_minutes = Some(25 * 60);
    let e = app.set_settings(odd).await.unwrap_err();
    assert_eq!(e.message, "l'intervalle de rappel est d'au plus un jour");
    // The language is this app's: another app in the same process speaks its own.
    let other = App::new(Some(w.app_dir("other")), false, false).unwrap();
    let mut english = other.settings();
    english.language = switchboard_i18n::Lang::from_tag("en");
    other.set_settings(english).await.unwrap();
    assert_eq!(
        other
            .openable_link("ftp://example.com/x")
            .unwrap_err()
            .message,
        "links of the kind ftp: are not opened"
    );
}
