//! The cache follows the server: snapshot, live events, restarts of either side.

use crate::support::*;
use switchboard_client::cache::{ListName, Listed};
use switchboard_client::{Change, ConnectionState};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_follow_the_server_and_survive_an_app_restart() {
    let w = World::new(&[]).await;
    let (id, ctoken) = w.customer("Maria", "Hello, my parcel is late").await;
    let (accounts, session) = w.sign_in(0).await;
    let engine = start_engine(&accounts, &session);

    let row = wait_in(&engine, "queue", id).await;
    assert_eq!(row.unanswered.unwrap().body, "Hello, my parcel is late");
    // The snapshot can reach the cache a moment before the state says Online.
    wait_state(&engine, ConnectionState::Online).await;

    // Live: the customer writes again.
    w.say(id, &ctoken, "Hello?").await;
    eventually("the new message", || {
        let q = engine.lists().unwrap().queue;
        q.iter()
            .find(|c| c.id == id)
            .and_then(|c| c.unanswered.as_ref())
            .filter(|u| u.body == "Hello?")
            .map(|_| ())
    })
    .await;

    // Take and reply through the outbox: mine, then up to date.
    engine.take(id).unwrap();
    wait_in(&engine, "mine", id).await;
    engine.reply(id, "On its way!").unwrap();
    let view = eventually("the reply acknowledged", || {
        let v = engine.conversation(id).ok()?;
        (v.outbox.is_empty() && v.conversation.unanswered.is_none()).then_some(v)
    })
    .await;
    let bodies: Vec<&str> = view.messages.iter().map(|m| m.body.as_str()).collect();
    assert!(bodies.ends_with(&["On its way!"]), "{bodies:?}");

    // Another agent's action elsewhere reaches this cache.
    let (other, _) = w.customer("Leo", "hi").await;
    wait_in(&engine, "queue", other).await;
    w.act(1, other, "take").await;
    eventually("Leo gone from the queue", || {
        (!engine.lists().unwrap().queue.iter().any(|c| c.id == other)).then_some(())
    })
    .await;

    // The app restarts: the lists are there before any network.
    drop(engine);
    let (cache, rebuilt) = switchboard_client::cache::Cache::open(
        &accounts.cache_path(&session),
        &session.me,
        Some(&key_of(&accounts.cache_path(&session))),
    )
    .unwrap();
    assert!(rebuilt.is_none());
    let lists = cache.lists().unwrap();
    assert!(lists.mine.iter().any(|c| c.id == id));
    assert_eq!(cache.integrity_check().unwrap(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_the_server_mid_stream_applies_every_event_once() {
    let mut w = World::new(&[]).await;
    let (id, ctoken) = w.customer("Busy", "m-start").await;
    let (accounts, session) = w.sign_in(0).await;
    let engine = start_engine(&accounts, &session);
    wait_in(&engine, "queue", id).await;

    let mut acked = Vec::new();
    // A customer writes without pause while the server is killed and restarted
    // under the stream three times.
    let writer = {
        let (base, token) = (w.server.base.clone(), ctoken.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut acked = Vec::new();
            for i in 0..400 {
                let body = format!("m-{i}");
                let r = http
                    .post(format!(
                        "{base}/api/v1/customer/conversations/{id}/messages"
                    ))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"body": body}))
                    .send()
                    .await;
                if r.is_ok_and(|r| r.status().is_success()) {
                    acked.push(body);
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            acked
        })
    };
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        w.server.restart();
        wait_state(&engine, ConnectionState::Online).await;
    }
    acked.extend(writer.await.unwrap());
    let latest = w.latest_seq().await;
    eventually("the cursor reaches the server's latest event", || {
        (engine.cursor().unwrap() == Some(latest)).then_some(())
    })
    .await;
    let server_detail = w
        .get(&format!("/api/v1/conversations/{id}"), w.token(0))
        .await;
    let server_ids: Vec<i64> = server_detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    let view = engine.conversation(id).unwrap();
    let cached_ids: Vec<i64> = view.messages.iter().map(|m| m.id).collect();
    assert_eq!(
        cached_ids, server_ids,
        "the cache holds each message once, in order"
    );
    for body in &acked {
        assert!(
            view.messages.iter().any(|m| &m.body == body),
            "{body} applied"
        );
    }
    assert_eq!(engine.integrity_check().unwrap(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resync_after_retention_keeps_the_archive_and_the_outbox() {
    let w = World::new(&[
        "--event-retention-events",
        "3",
        "--prune-interval-ms",
        "100",
    ])
    .await;
    let (closed, _) = w.customer("Closed", "old question").await;
    w.act(0, closed, "take").await;
    w.post(
        &format!("/api/v1/conversations/{closed}/end"),
        Some(w.token(0)),
        serde_json::json!({"op_id": uuid::Uuid::new_v4(), "subject": "dont_know", "mood": "happy"}),
    )
    .await;
    let (mine, _) = w.customer("Mine", "hello").await;
    w.act(0, mine, "take").await;
    let (accounts, session) = w.sign_in(0).await;
    let engine = start_engine(&accounts, &session);
    eventually("synced", || {
        let l = engine.lists().unwrap();
        (l.archive.iter().any(|c| c.id == closed) && l.mine.iter().any(|c| c.id == mine))
            .then_some(())
    })
    .await;
    drop(engine);

    // While the app is closed: a reply waits in its outbox, and the server moves
    // on past its retention.
    {
        let (mut cache, _) = switchboard_client::cache::Cache::open(
            &accounts.cache_path(&session),
            &session.me,
            Some(&key_of(&accounts.cache_path(&session))),
        )
        .unwrap();
        cache
            .enqueue(
                mine,
                switchboard_client::cache::OutboxAction::Reply {
                    body: "written offline".into(),
                },
            )
            .unwrap();
    }
    let synced = w.latest_seq().await;
    let (fresh, _) = w.customer("Fresh", "new one").await;
    for i in 0..10 {
        w.customer(&format!("Noise{i}"), "x").await;
    }
    w.until_pruned_past(synced).await;

    let engine = start_engine(&accounts, &session);
    let mut changes = engine.changes();
    eventually("resynced lists", || {
        let l = engine.lists().unwrap();
        (l.queue.iter().any(|c| c.id == fresh) && l.archive.iter().any(|c| c.id == closed))
            .then_some(())
    })
    .await;
    let view = eventually("the offline reply delivered", || {
        let v = engine.conversation(mine).ok()?;
        (v.outbox.is_empty() && v.messages.iter().any(|m| m.body == "written offline")).then_some(v)
    })
    .await;
    assert_eq!(
        view.messages
            .iter()
            .filter(|m| m.body == "written offline")
            .count(),
        1
    );
    // It was a resync, not a plain catch-up: the server refused the old cursor.
    let mut states = Vec::new();
    while let Ok(c) = changes.try_recv() {
        if let switchboard_client::Change::Connection { state } = c {
            states.push(state);
        }
    }
    assert!(states.contains(&ConnectionState::Resyncing), "{states:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_cursor_older_than_the_servers_removals_pages_again_from_the_start() {
    let w = World::new(&[
        "--event-retention-events",
        "6",
        "--prune-interval-ms",
        "100",
    ])
    .await;
    let mut closed = Vec::new();
    for name in ["First", "Second"] {
        let (id, _) = w.customer(name, "old question").await;
        w.act(0, id, "take").await;
        w.post(
            &format!("/api/v1/conversations/{id}/end"),
            Some(w.token(0)),
            serde_json::json!({"op_id": uuid::Uuid::new_v4(), "subject": "dont_know", "mood": "happy"}),
        )
        .await;
        closed.push(id);
    }
    // The log moves on past the first of those events.
    w.until_pruned_past(1).await;
    let (accounts, session) = w.sign_in(0).await;
    let engine = start_engine(&accounts, &session);
    for id in &closed {
        wait_in(&engine, "archive", *id).await;
    }
    drop(engine);

    // The app's archive cursor is from before what the server still keeps
    // removals for (its stream cursor is recent: no resync will start a pass).
    let path = accounts.cache_path(&session);
    open_cache(&path)
        .execute(
            "UPDATE meta SET value = '1' WHERE key = 'archive_cursor'",
            [],
        )
        .unwrap();

    let engine = start_engine(&accounts, &session);
    let mut changes = engine.changes();
    let mut states = Vec::new();
    let fetched = loop {
        match tokio::time::timeout(std::time::Duration::from_secs(20), changes.recv()).await {
            Ok(Ok(switchboard_client::Change::Backfill {
                fetched,
                done: true,
                ..
            })) => break fetched,
            Ok(Ok(switchboard_client::Change::Connection { state })) => states.push(state),
            Ok(Ok(_)) => {}
            other => panic!("no finished archive pass: {other:?}"),
        }
    };
    // Told 409 resync_required, it paged the whole archive again.
    assert_eq!(fetched, 2);
    assert!(!states.contains(&ConnectionState::Resyncing), "{states:?}");
    let l = engine.lists().unwrap();
    assert!(closed
        .iter()
        .all(|id| l.archive.iter().any(|c| c.id == *id)));
}

/// Waits for a `Rows` change in which conversation `id` is where `want` says
/// (the histories of the snapshot's conversations may still be arriving, each
/// with its row). Returns that row's place, the archive's size, and whether the
/// lists were reloaded whole meanwhile.
async fn row_until(
    changes: &mut tokio::sync::broadcast::Receiver<Change>,
    id: i64,
    want: impl Fn(Option<&Listed>) -> bool,
) -> (Option<Listed>, u32, bool) {
    let mut reloaded = false;
    loop {
        let c = tokio::time::timeout(std::time::Duration::from_secs(15), changes.recv())
            .await
            .expect("the row changed within 15 s")
            .unwrap();
        match c {
            Change::Rows {
                rows,
                archive_total,
            } => {
                if let Some(row) = rows.into_iter().find(|r| r.id == id) {
                    if want(row.listed.as_ref()) {
                        return (row.listed, archive_total, reloaded);
                    }
                }
            }
            Change::Lists => reloaded = true,
            _ => {}
        }
    }
}

fn is_in(list: ListName) -> impl Fn(Option<&Listed>) -> bool {
    move |l| l.is_some_and(|l| l.list == list)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_changes_move_only_the_rows_they_touch() {
    let w = World::new(&[]).await;
    let (id, ctoken) = w.customer("Maria", "Hello, my parcel is late").await;
    let (other, _) = w.customer("Leo", "hi").await;
    let (accounts, session) = w.sign_in(0).await;
    let engine = start_engine(&accounts, &session);
    wait_in(&engine, "queue", other).await;
    wait_state(&engine, ConnectionState::Online).await;
    let mut changes = engine.changes();

    // A customer's message: the row, still in the queue, with the new text.
    w.say(id, &ctoken, "Hello?").await;
    let (row, total, reloaded) = row_until(&mut changes, id, |l| {
        l.and_then(|l| l.summary.unanswered.as_ref())
            .is_some_and(|u| u.body == "Hello?")
    })
    .await;
    assert!(!reloaded, "the lists were reloaded whole for one message");
    assert_eq!(row.unwrap().list, ListName::Queue);
    assert_eq!(total, 0);

    // Taken from this app: into "mine".
    engine.take(id).unwrap();
    let (_, _, reloaded) = row_until(&mut changes, id, is_in(ListName::Mine)).await;
    assert!(!reloaded);

    // Another agent takes Leo: the row leaves this agent's lists.
    w.act(1, other, "take").await;
    let (_, _, reloaded) = row_until(&mut changes, other, |l| l.is_none()).await;
    assert!(!reloaded);

    // Ended: archived, and "Archived" counts it.
    engine
        .end(
            id,
            switchboard_protocol::SubjectAnswer::Known("Shipping".into()),
            switchboard_protocol::Mood::Happy,
        )
        .unwrap();
    let (row, total, _) = row_until(&mut changes, id, is_in(ListName::Archive)).await;
    assert!(row.unwrap().summary.closure.is_some());
    assert_eq!(total, 1);
    assert_eq!(engine.lists().unwrap().archive_total, 1);
}
