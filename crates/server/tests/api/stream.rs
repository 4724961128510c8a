//! The event stream: resume from a cursor exactly once and in order, resync when
//! the cursor is too old, heartbeats, and who sees what.

use crate::support::PASSWORD;
use crate::support::*;
use serde_json::{json, Value};
use std::time::Duration;
use switchboard_protocol::Role;

const WAIT: Duration = Duration::from_secs(15);

fn seqs(events: &[Value]) -> Vec<i64> {
    events.iter().map(|e| e["seq"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn resume_after_disconnect_delivers_every_event_once_in_order() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let start = api.snapshot(alice).await["seq"].as_i64().unwrap();
    let mut stream = Stream::open(&api.base, &alice.token, start).await;

    // Queue traffic: every event is visible to every agent.
    let c = api.waiting_customer("Stella", "m0").await;
    for i in 1..20 {
        api.customer_says(&c, &format!("m{i}")).await.ok();
    }
    // Read only part of it, then the link drops mid-stream; the client keeps the
    // cursor of the last frame it applied.
    let mut got = Vec::new();
    let mut cursor = start;
    while got.len() < 5 {
        let f = stream.frame(WAIT).await.expect("events flow");
        if f["type"] == "events" {
            got.extend(f["events"].as_array().unwrap().iter().cloned());
            cursor = f["cursor"].as_i64().unwrap();
        }
    }
    drop(stream);

    for i in 20..50 {
        api.customer_says(&c, &format!("m{i}")).await.ok();
    }
    let end = latest_seq(api, sam).await;
    let mut resumed = Stream::open(&api.base, &alice.token, cursor).await;
    let (rest, cursor) = resumed.events_until(end, WAIT).await;
    assert_eq!(cursor, end);
    got.extend(rest);

    assert_eq!(
        seqs(&got),
        ((start + 1)..=end).collect::<Vec<_>>(),
        "every event once, in order"
    );
    let texts: Vec<&str> = got
        .iter()
        .filter(|e| e["kind"]["type"] == "message_posted")
        .map(|e| e["kind"]["message"]["body"].as_str().unwrap())
        .collect();
    assert_eq!(texts, (0..50).map(|i| format!("m{i}")).collect::<Vec<_>>());
    // Nothing more is sent after the end.
    let extra = resumed.frame(WAIT).await.unwrap();
    assert_eq!(extra["type"], "heartbeat");
    assert_eq!(extra["cursor"], end);
}

#[tokio::test]
async fn live_events_arrive_and_heartbeats_carry_the_cursor() {
    let w = World::standard().await;
    let (api, alice, bob) = (&w.api, w.agent(0), w.agent(1));
    let seq = api.snapshot(bob).await["seq"].as_i64().unwrap();
    let mut s = Stream::open(&api.base, &bob.token, seq).await;
    let first = s
        .frame(Duration::from_secs(2))
        .await
        .expect("a heartbeat within the interval");
    assert_eq!(first["type"], "heartbeat");
    assert_eq!(first["cursor"], seq);
    assert_eq!(first["heartbeat_ms"], 300);

    let c = api.waiting_customer("Live", "are you there").await;
    let (events, _) = s.events_until(seq + 2, WAIT).await;
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["kind"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["conversation_created", "message_posted"]);
    assert_eq!(events[1]["kind"]["conversation"]["id"], c.conversation);
    assert_eq!(
        events[1]["kind"]["conversation"]["unanswered"]["body"],
        "are you there"
    );
    let _ = alice;
}

#[tokio::test]
async fn agents_see_the_queue_and_their_own_supervisors_see_all() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let c = api.waiting_customer("Private", "hi").await;
    api.act(alice, c.conversation, "take").await.ok();
    let seq = latest_seq(api, sam).await;
    let mut s_alice = Stream::open(&api.base, &alice.token, seq).await;
    let mut s_bob = Stream::open(&api.base, &bob.token, seq).await;
    let mut s_sam = Stream::open(&api.base, &sam.token, seq).await;

    api.customer_says(&c, "my card number is ...").await.ok();
    api.reply(alice, c.conversation, "please don't share that")
        .await
        .ok();
    let end = latest_seq(api, sam).await;
    assert_eq!(end, seq + 2);

    let (a, _) = s_alice.events_until(end, WAIT).await;
    let (b, b_cursor) = s_bob.events_until(end, WAIT).await;
    let (s, _) = s_sam.events_until(end, WAIT).await;
    assert_eq!(seqs(&a), vec![seq + 1, seq + 2]);
    assert_eq!(seqs(&s), vec![seq + 1, seq + 2]);
    assert!(
        b.is_empty(),
        "Bob sees nothing of Alice's conversation: {b:?}"
    );
    assert_eq!(b_cursor, end, "but his cursor moves past it");

    // Freeing it puts it in the queue: Bob is told.
    api.act(alice, c.conversation, "free").await.ok();
    let end = latest_seq(api, sam).await;
    let (b, _) = s_bob.events_until(end, WAIT).await;
    assert_eq!(b[0]["kind"]["type"], "conversation_freed");
}

#[tokio::test]
async fn a_cursor_older_than_retention_or_from_the_future_gets_resync_required() {
    let w = World::new(
        &[("Alice", Role::Agent), ("Sam", Role::Supervisor)],
        &[],
        &[
            "--event-retention-events",
            "5",
            "--prune-interval-ms",
            "100",
        ],
    )
    .await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(1));
    let c = api.waiting_customer("Old", "0").await;
    for i in 1..20 {
        api.customer_says(&c, &i.to_string()).await.ok();
    }
    let latest = latest_seq(api, sam).await;

    // Once the pruner (every 100 ms, slower under load) has kept only the
    // last 5 events, a stream from the start is told to resync, and closed.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut s = loop {
        let mut s = Stream::open(&api.base, &alice.token, 0).await;
        let f = s.frame(WAIT).await.unwrap();
        if f["type"] == "resync_required" && f["oldest_available"].as_i64().unwrap() >= latest - 5 {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never pruned to 5 events: {f}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        s.frame(Duration::from_secs(2)).await.is_none(),
        "the stream closes"
    );

    let mut s = Stream::open(&api.base, &alice.token, latest + 100).await;
    assert_eq!(s.frame(WAIT).await.unwrap()["type"], "resync_required");

    // A recent cursor still resumes.
    let mut s = Stream::open(&api.base, &alice.token, latest - 2).await;
    let (events, cursor) = s.events_until(latest, WAIT).await;
    assert_eq!(seqs(&events), vec![latest - 1, latest]);
    assert_eq!(cursor, latest);

    // And a fresh snapshot gives a cursor that works.
    let snap = api.snapshot(alice).await;
    assert!(find(&snap, "queue", c.conversation).is_some());
    let mut s = Stream::open(&api.base, &alice.token, snap["seq"].as_i64().unwrap()).await;
    assert_eq!(s.frame(WAIT).await.unwrap()["type"], "heartbeat");
    let _ = json!({});
}

#[tokio::test]
async fn stream_requires_a_token_and_a_websocket() {
    let w = World::standard().await;
    let api = &w.api;
    api.get("/api/v1/stream?cursor=0", None)
        .await
        .err(401, "unauthorized");
    let alice = w.agent(0);
    api.get("/api/v1/stream?cursor=0", Some(&alice.token))
        .await
        .err(400, "invalid_request");
    api.get("/api/v1/stream?cursor=abc", Some(&alice.token))
        .await
        .err(400, "invalid_request");
    // The customers' stream answers a plain GET the same way.
    let c = api.waiting_customer("Plain", "hi").await;
    api.get(
        &format!("/api/v1/customer/conversations/{}/stream", c.conversation),
        None,
    )
    .await
    .err(400, "invalid_request");
}

#[tokio::test]
async fn signing_out_closes_that_sessions_streams_at_once_and_no_other() {
    // The sweep of the streams' sessions once a minute: a stream closed
    // within seconds was told.
    let w = World::new(
        &[("Alice", Role::Agent)],
        &[],
        &["--session-sweep-ms", "60000"],
    )
    .await;
    let (api, alice) = (&w.api, w.agent(0));
    let token = api.login(&alice.email, PASSWORD).await;
    let mut s = Stream::open(&api.base, &token, 0).await;
    // Alice's other session (another computer) keeps its stream.
    let mut other = Stream::open(&api.base, &alice.token, 0).await;
    assert_eq!(s.frame(WAIT).await.unwrap()["type"], "heartbeat");
    let r = api
        .post("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(r.status, 204);
    // Pushed, not found by the sweep.
    assert!(
        s.closed_within(Duration::from_secs(15)).await,
        "the signed-out session's stream closed"
    );
    assert!(
        !other.closed_within(Duration::from_secs(1)).await,
        "the other session's stream stays open"
    );
    assert_eq!(other.frame(WAIT).await.unwrap()["type"], "heartbeat");
}

#[tokio::test]
async fn a_session_ended_behind_the_servers_back_closes_its_stream_at_the_sweep() {
    // A session deleted by another writer, with no notification (one lost with
    // its connection looks the same): the node's sweep of its streams' sessions
    // (every 12 heartbeats, 3.6 s here) closes the stream.
    let w = World::standard().await;
    let (api, alice, bob) = (&w.api, w.agent(0), w.agent(1));
    let mut s = Stream::open(&api.base, &alice.token, 0).await;
    let mut kept = Stream::open(&api.base, &bob.token, 0).await;
    assert_eq!(s.frame(WAIT).await.unwrap()["type"], "heartbeat");
    let mut conn = w.database().await;
    sqlx::query("DELETE FROM sessions WHERE agent_id = (SELECT id FROM agents WHERE email = $1)")
        .bind(&alice.email)
        .execute(&mut conn)
        .await
        .unwrap();
    // Alice's closes, Bob's stays open past the sweep.
    let (closed, kept_closed) = tokio::join!(
        s.closed_within(Duration::from_secs(10)),
        kept.closed_within(Duration::from_secs(6))
    );
    assert!(closed, "the stream of the deleted session closed");
    assert!(!kept_closed, "the other agent's stream stays open");
}

#[tokio::test]
async fn an_expired_session_closes_its_stream() {
    let w = World::standard().await;
    let (api, alice) = (&w.api, w.agent(0));
    let token = api.login(&alice.email, PASSWORD).await;
    // The session expires five seconds from now (the server's clock is this one).
    let mut conn = w.database().await;
    let soon = chrono::Utc::now().timestamp_millis() + 5000;
    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
        .bind(soon)
        .bind(switchboard_server::store::blocks::tokens::token_hash(
            &token,
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    let mut s = Stream::open(&api.base, &token, 0).await;
    assert!(
        !s.closed_within(Duration::from_millis(1000)).await,
        "open until it expires"
    );
    assert!(
        s.closed_within(Duration::from_secs(15)).await,
        "closed once expired"
    );
}

#[tokio::test]
async fn a_stream_too_slow_to_take_its_frames_is_cut_and_resumes_from_its_cursor() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let start = latest_seq(api, sam).await;
    let c = api.waiting_customer("Big", "x").await;
    // About 16 MB of events (each carries its 40 KB body twice): more than the
    // two sockets' buffers hold, so the server has to wait for the client.
    let body = "😀".repeat(10_000);
    for _ in 0..200 {
        assert_eq!(api.customer_says(&c, &body).await.status, 200);
    }
    let end = latest_seq(api, sam).await;
    let mut s = Stream::open_unread(&api.base, &alice.token, start).await;
    // The client takes nothing for longer than the server waits for it (three
    // heartbeats and a second: 1.9 s here) ...
    tokio::time::sleep(Duration::from_secs(4)).await;
    // ... then reads what reached it before it was cut off: short of the end.
    let mut cursor = start;
    while let Some(f) = s.frame(WAIT).await {
        if f["type"] == "events" {
            cursor = f["cursor"].as_i64().unwrap();
        }
        if cursor == end {
            break; // never cut: the assertion below says so
        }
    }
    assert!(cursor < end, "cut off at {cursor}, before {end}");
    // Reconnecting from its cursor brings the rest, each event once.
    let mut again = Stream::open(&api.base, &alice.token, cursor).await;
    let (events, last) = again.events_until(end, WAIT).await;
    assert_eq!(last, end);
    assert_eq!(seqs(&events), ((cursor + 1)..=end).collect::<Vec<_>>());
}

#[tokio::test]
async fn large_backlogs_come_in_frames_under_a_mebibyte() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let start = latest_seq(api, sam).await;
    let c = api.waiting_customer("Big", "x").await;
    // Each event carries the 40 KB body twice (message and row status).
    let body = "😀".repeat(10_000);
    for _ in 0..30 {
        api.customer_says(&c, &body).await.ok();
    }
    let end = latest_seq(api, sam).await;
    let mut s = Stream::open(&api.base, &alice.token, start).await;
    let mut seen = Vec::new();
    let mut frames = 0;
    while seen.last().copied() != Some(end) {
        let text = s.text(WAIT).await.expect("frames");
        // 256 KiB, or one event if it is larger (none is here).
        assert!(text.len() <= 256 * 1024, "frame of {} bytes", text.len());
        let f: Value = serde_json::from_str(&text).unwrap();
        if f["type"] == "events" {
            frames += 1;
            seen.extend(seqs(f["events"].as_array().unwrap()));
        }
    }
    assert_eq!(seen, ((start + 1)..=end).collect::<Vec<_>>());
    assert!(frames >= 6, "the backlog was split ({frames} frames)");
}
