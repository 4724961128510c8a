//! Offline: the outbox delivers exactly once and in order, refusals are visible,
//! the archive is searchable with no server.

use crate::support::*;
use serde_json::json;
use std::time::Duration;
use switchboard_client::cache::{ListName, OutboxStatus};
use switchboard_client::{Change, ClientErrorCode, ConnectionState, ErrorCode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_replies_queued_offline_arrive_once_each_in_order() {
    let mut w = World::new(&[]).await;
    let (id, _) = w.customer("Patient", "are you there?").await;
    let (accounts, session) = w.sign_in(0).await;
    let mut engine = start_engine(&accounts, &session);
    wait_in(&engine, "queue", id).await;
    engine.take(id).unwrap();
    wait_in(&engine, "mine", id).await;

    w.server.kill9();
    wait_state(&engine, ConnectionState::Offline).await;
    for i in 0..50 {
        engine.reply(id, &format!("reply {i:03}")).unwrap();
    }
    // The app restarts while offline: the outbox survives.
    drop(engine);
    engine = start_engine(&accounts, &session);
    for i in 50..100 {
        engine.reply(id, &format!("reply {i:03}")).unwrap();
    }
    let pending = engine.conversation(id).unwrap().outbox;
    assert_eq!(pending.len(), 100);
    assert!(pending.iter().all(|p| p.status == OutboxStatus::Pending));

    w.server.restart();
    eventually("the outbox drained", || {
        engine.outbox().unwrap().is_empty().then_some(())
    })
    .await;
    let detail = w
        .get(&format!("/api/v1/conversations/{id}"), w.token(0))
        .await;
    let replies: Vec<String> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "agent")
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        replies,
        (0..100)
            .map(|i| format!("reply {i:03}"))
            .collect::<Vec<_>>()
    );
}

/// The agents' lines of a conversation, as the server has them.
async fn replies(w: &World, id: i64) -> Vec<String> {
    let detail = w
        .get(&format!("/api/v1/conversations/{id}"), w.token(0))
        .await;
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "agent")
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_whose_replies_keep_failing_holds_back_only_its_own() {
    let w = World::new(&[]).await;
    let (stuck, _) = w.customer("Stuck", "hello?").await;
    let (fine, _) = w.customer("Fine", "hi").await;
    let (accounts, session) = w.sign_in(0).await;
    let engine = start_engine(&accounts, &session);
    for id in [stuck, fine] {
        wait_in(&engine, "queue", id).await;
        engine.take(id).unwrap();
        wait_in(&engine, "mine", id).await;
    }
    eventually("the takes delivered", || {
        engine.outbox().unwrap().is_empty().then_some(())
    })
    .await;

    // The server's database refuses every new line of one conversation: a
    // passing fault (500 internal) as far as the engine can tell.
    let db = w.tmp.path().join("server");
    switchboard_testkit::execute(
        &db,
        &format!(
            "CREATE TRIGGER injected_fault BEFORE INSERT ON messages WHEN NEW.conversation_id = {stuck} \
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
        ),
    )
    .await;
    engine.reply(stuck, "first, held").unwrap();
    engine.reply(stuck, "second, held").unwrap();
    engine.reply(fine, "goes through").unwrap();
    engine.reply(fine, "and this too").unwrap();

    // The other conversation's replies arrive while the first keeps failing.
    eventually("the other conversation's replies delivered", || {
        engine
            .conversation(fine)
            .unwrap()
            .outbox
            .is_empty()
            .then_some(())
    })
    .await;
    assert_eq!(replies(&w, fine).await, ["goes through", "and this too"]);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let held = engine.conversation(stuck).unwrap().outbox;
    assert_eq!(held.len(), 2, "{held:?}");
    assert!(held.iter().all(|p| p.status == OutboxStatus::Pending));
    assert!(replies(&w, stuck).await.is_empty());

    // The fault passes: the held replies go, once each, in order.
    switchboard_testkit::execute(&db, "DROP TRIGGER injected_fault").await;
    eventually("the held replies delivered", || {
        engine
            .conversation(stuck)
            .unwrap()
            .outbox
            .is_empty()
            .then_some(())
    })
    .await;
    assert_eq!(replies(&w, stuck).await, ["first, held", "second, held"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_take_queued_offline_fails_visibly_when_someone_else_was_first() {
    let mut w = World::new(&[]).await;
    let (id, _) = w.customer("Contested", "hi").await;
    let (accounts, session) = w.sign_in(0).await;
    let engine = start_engine(&accounts, &session);
    wait_in(&engine, "queue", id).await;
    let mut changes = engine.changes();

    w.server.kill9();
    wait_state(&engine, ConnectionState::Offline).await;
    engine.take(id).unwrap();
    engine.reply(id, "hello from Alice").unwrap();
    w.server.restart();
    // Bob is quicker once the server is back.
    let bob = loop {
        let (status, body) = w.act(1, id, "take").await;
        if status != 0 {
            break (status, body);
        }
    };
    // The conversation may have left this agent's lists; its outbox items stay.
    let outbox = eventually("both actions settled", || {
        let o: Vec<_> = engine
            .outbox()
            .unwrap()
            .into_iter()
            .filter(|i| i.conversation_id == id)
            .collect();
        o.iter()
            .all(|i| i.status != OutboxStatus::Pending)
            .then_some(o)
    })
    .await;
    if bob.0 == 200 {
        let codes: Vec<Option<ClientErrorCode>> = outbox
            .iter()
            .map(|i| match &i.status {
                OutboxStatus::Failed { code, .. } => Some(*code),
                OutboxStatus::Pending => None,
            })
            .collect();
        assert_eq!(
            codes,
            [ErrorCode::ConversationTaken, ErrorCode::NotOccupant].map(|c| Some(c.into()))
        );
    } else {
        // Alice's queued take reached the server first: Bob was refused instead.
        assert_eq!(bob.1["code"], "conversation_taken");
        assert!(outbox.is_empty());
    }
    let mut saw_outbox_change = false;
    while let Ok(c) = changes.try_recv() {
        saw_outbox_change |=
            matches!(c, Change::Outbox { conversation_id } if conversation_id == id);
    }
    assert!(saw_outbox_change);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archive_is_backfilled_and_searchable_offline() {
    let mut w = World::new(&[]).await;
    let words = ["zebra", "umbrella", "saxophone", "avalanche"];
    let mut ids = Vec::new();
    for i in 0..30 {
        let word = words[i % words.len()];
        let (id, _) = w
            .customer(
                &format!("Client{i}"),
                &format!("question {i} about the {word}"),
            )
            .await;
        w.act(0, id, "take").await;
        w.post(
            &format!("/api/v1/conversations/{id}/end"),
            Some(w.token(0)),
            json!({"op_id": uuid::Uuid::new_v4(), "subject": {"known": "Billing"}, "mood": "happy"}),
        )
        .await;
        ids.push(id);
    }
    let (accounts, session) = w.sign_in(0).await;
    let engine = start_engine(&accounts, &session);
    let mut changes = engine.changes();
    eventually("the whole archive with its messages", || {
        let all = ids.iter().all(|id| {
            engine
                .conversation(*id)
                .is_ok_and(|v| !v.messages.is_empty())
        });
        (engine.lists().unwrap().archive_total == 30 && all).then_some(())
    })
    .await;
    // Progress was reported, page by page, to the end (the last report follows
    // the last page's commit).
    // Each stored page's rows reached the app as rows, not as a reload.
    let mut progress = Vec::new();
    let mut archived = std::collections::BTreeSet::new();
    let mut last_total = 0;
    while !progress.iter().any(|p: &(u64, u64, bool)| p.2) {
        match tokio::time::timeout(Duration::from_secs(10), changes.recv()).await {
            Ok(Ok(Change::Backfill {
                fetched,
                total,
                done,
            })) => progress.push((fetched, total, done)),
            Ok(Ok(Change::Rows {
                rows,
                archive_total,
            })) => {
                for r in rows {
                    if r.listed.is_some_and(|l| l.list == ListName::Archive) {
                        archived.insert(r.id);
                    }
                }
                last_total = archive_total;
            }
            Ok(Ok(_)) => {}
            other => panic!("no end of the backfill reported: {other:?} after {progress:?}"),
        }
    }
    assert_eq!(archived, ids.iter().copied().collect(), "every page's rows");
    assert_eq!(last_total, 30);
    let cached = engine.conversation(ids[0]).unwrap();
    assert!(
        cached.messages.iter().any(|m| m.body.contains("zebra")),
        "messages came with the archive"
    );

    w.server.kill9();
    wait_state(&engine, ConnectionState::Offline).await;
    let hits = engine.search("zebr", 50).unwrap();
    assert_eq!(hits.len(), 8, "every zebra conversation, by prefix");
    for h in &hits {
        assert_eq!(h.list, ListName::Archive);
        assert_eq!(h.matches, 1);
        let [snippet] = &h.snippets[..] else {
            panic!("one snippet: {h:?}")
        };
        assert!(
            snippet
                .segments
                .iter()
                .any(|s| s.hit && s.text.eq_ignore_ascii_case("zebra")),
            "{snippet:?}"
        );
        assert!(h.conversation.closure.is_some());
    }
    // Newest first.
    let order: Vec<i64> = hits.iter().map(|h| h.conversation.id).collect();
    let mut newest_first = order.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(order, newest_first);
    let by_name = engine.search("Client7", 10).unwrap();
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0].conversation.customer.name, "Client7");
    let customer = by_name[0].customer.as_ref().expect("the name matched");
    assert!(customer.name.iter().any(|s| s.hit && s.text == "Client7"));
    // Every match of the open conversation, marked.
    let inside = engine
        .search_in(by_name[0].conversation.id, "question")
        .unwrap();
    assert_eq!(inside.len(), 1);
    assert_eq!(inside[0].segments[0].text, "question");
    // Hostile queries are just words.
    assert!(engine.search("\" OR AND ( NEAR", 10).unwrap().is_empty());
    assert!(engine.search("   ", 10).unwrap().is_empty());
    // The first pass reports page by page (pages of 7) up to the whole archive,
    // with the server's count as the total from the first report on.
    assert_eq!(progress.last(), Some(&(30, 30, true)), "{progress:?}");
    assert!(progress.len() >= 5, "a report per page: {progress:?}");
    assert!(progress.iter().all(|p| p.1 == 30), "{progress:?}");
    assert!(
        progress
            .windows(2)
            .all(|w| w[0].0 < w[1].0 && w[1].0 - w[0].0 <= 7),
        "{progress:?}"
    );
}
