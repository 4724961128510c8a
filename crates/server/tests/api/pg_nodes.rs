//! Several server processes on one PostgreSQL database. These run in the
//! PostgreSQL pass of `scripts/test` (`SWITCHBOARD_TEST_POSTGRES`); on SQLite, a
//! single-node backend, they return at once.

use crate::support::*;
use futures_util::future::join_all;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;
use switchboard_protocol::Role;

const WAIT: Duration = Duration::from_secs(60);

/// Several nodes share one PostgreSQL database: stops a run without one.
fn needs_postgres() {
    assert!(
        on_postgres(),
        "several nodes need PostgreSQL: set SWITCHBOARD_TEST_POSTGRES (scripts/test does)"
    );
}

fn seqs(events: &[Value]) -> Vec<i64> {
    events.iter().map(|e| e["seq"].as_i64().unwrap()).collect()
}

fn bodies(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["kind"]["type"] == "message_posted")
        .map(|e| e["kind"]["message"]["body"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (scripts/test runs it under scripts/postgres)"]
async fn agents_on_either_node_receive_every_message_once_in_order() {
    needs_postgres();
    let w = World::standard().await;
    let b = w.another_node(&[]);
    let (alice, bob, sam) = (w.agent(0), w.agent(1), w.agent(2));
    let start = latest_seq(&w.api, sam).await;
    // Alice is connected to node A, Bob to node B.
    // They read until each has seen 1,000 messages.
    let readers: Vec<_> = [(&w.api, alice), (&b.api, bob)]
        .into_iter()
        .map(|(api, agent)| {
            let (base, token) = (api.base.clone(), agent.token.clone());
            tokio::spawn(async move {
                let mut s = Stream::open(&base, &token, start).await;
                let (mut events, mut cursor) = (Vec::new(), start);
                while bodies(&events).len() < 1000 {
                    let Some(f) = s.frame(WAIT).await else { break };
                    if f["type"] == "events" {
                        events.extend(f["events"].as_array().unwrap().iter().cloned());
                        cursor = f["cursor"].as_i64().unwrap();
                    }
                }
                (events, cursor)
            })
        })
        .collect();

    // Two customers write at once, 500 messages each, every other one through the
    // other node.
    let customers = [
        w.api.start_customer("Ada", "ada@example.net").await,
        b.api.start_customer("Ben", "ben@example.net").await,
    ];
    let apis = [w.api.clone(), b.api.clone()];
    let writers = customers.iter().enumerate().map(|(k, c)| {
        let (c, apis) = (c.clone(), apis.clone());
        tokio::spawn(async move {
            for j in 0..500 {
                let api = &apis[(j + k) % 2];
                api.customer_says(&c, &format!("c{k}-m{j:03}")).await.ok();
            }
        })
    });
    for r in join_all(writers).await {
        r.unwrap();
    }
    let end = latest_seq(&b.api, sam).await;

    let read = join_all(readers).await;
    for (who, r) in ["Alice on A", "Bob on B"].into_iter().zip(read) {
        let (events, cursor) = r.unwrap();
        assert_eq!(cursor, end, "{who}: the stream reached the last event");
        assert_eq!(
            seqs(&events),
            ((start + 1)..=end).collect::<Vec<_>>(),
            "{who}: every queue event once, in sequence order"
        );
        let got = bodies(&events);
        assert_eq!(got.len(), 1000, "{who}: all 1,000 messages");
        for k in 0..2 {
            let mine: Vec<&String> = got
                .iter()
                .filter(|m| m.starts_with(&format!("c{k}-")))
                .collect();
            let expected: Vec<String> = (0..500).map(|j| format!("c{k}-m{j:03}")).collect();
            assert_eq!(
                mine.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                expected.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                "{who}: customer {k}'s messages in the order they were written"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (scripts/test runs it under scripts/postgres)"]
async fn fifty_takes_split_between_two_nodes_have_one_winner_200_times() {
    needs_postgres();
    let names: Vec<String> = (0..50).map(|i| format!("Agent{i:02}")).collect();
    let cast: Vec<(&str, Role)> = names.iter().map(|n| (n.as_str(), Role::Agent)).collect();
    let w = World::new(&cast, &[], &[]).await;
    let b = w.another_node(&[]);
    let apis = [w.api.clone(), b.api.clone()];
    for round in 0..200 {
        let c = apis[round % 2]
            .waiting_customer(&format!("Racer{round}"), "who gets me?")
            .await;
        // Checked through the other node than the one that queued it.
        take_race(
            &w.agents,
            &apis,
            c.conversation,
            &apis[(round + 1) % 2],
            round,
        )
        .await;
    }
}

/// The first 100 or more events a stream brings, and its cursor after them.
async fn first_events(s: &mut Stream, start: i64) -> (Vec<Value>, i64) {
    let (mut got, mut cursor) = (Vec::new(), start);
    while got.len() < 100 {
        let f = s.frame(WAIT).await.expect("events flow on node B");
        if f["type"] == "events" {
            got.extend(f["events"].as_array().unwrap().iter().cloned());
            cursor = f["cursor"].as_i64().unwrap();
        }
    }
    (got, cursor)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (scripts/test runs it under scripts/postgres)"]
async fn agents_of_a_killed_node_resume_on_the_other_with_nothing_lost() {
    needs_postgres();
    let w = World::standard().await;
    let mut b = w.another_node(&[]);
    let (alice, bob, sam) = (w.agent(0), w.agent(1), w.agent(2));
    let start = latest_seq(&w.api, sam).await;
    // Both agents are connected to node B, the one that will die.
    let mut streams = [
        (alice, Stream::open(&b.api.base, &alice.token, start).await),
        (bob, Stream::open(&b.api.base, &bob.token, start).await),
    ];

    // Load: customers write through both nodes without pause. A post that never
    // reached its node (connection refused: the node is gone) is sent to the other,
    // as a proxy would. A post cut off mid-request may or may not have been stored:
    // it is not acknowledged and not sent again (customer messages carry no
    // idempotency key, so a blind retry could store it twice).
    let customers = [
        w.api.start_customer("Ada", "ada@example.net").await,
        w.api.start_customer("Ben", "ben@example.net").await,
    ];
    let bases = [w.api.base.clone(), b.api.base.clone()];
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = customers
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let (c, bases, stop) = (c.clone(), bases.clone(), stop.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut acknowledged = Vec::new();
                let mut j = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let body = format!("c{k}-m{j:04}");
                    for attempt in 0..2 {
                        let base = &bases[(j + k + attempt) % 2];
                        let sent = http
                            .post(format!(
                                "{base}/api/v1/customer/conversations/{}/messages",
                                c.conversation
                            ))
                            .bearer_auth(&c.token)
                            .json(&json!({"body": body}))
                            .timeout(Duration::from_secs(10))
                            .send()
                            .await;
                        match sent {
                            Ok(r) => {
                                if r.status().is_success() {
                                    acknowledged.push(body.clone());
                                }
                                break;
                            }
                            Err(e) if e.is_connect() => continue,
                            Err(_) => break,
                        }
                    }
                    j += 1;
                }
                acknowledged
            })
        })
        .collect();

    // Read part of the traffic on B, both streams at once, then kill B mid-load.
    let [(_, s0), (_, s1)] = &mut streams;
    let (first0, first1) =
        futures_util::future::join(first_events(s0, start), first_events(s1, start)).await;
    let mut received: Vec<Vec<Value>> = vec![first0.0, first1.0];
    let mut cursors = [first0.1, first1.1];
    b.server.kill9();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut acknowledged = HashSet::new();
    for r in join_all(writers).await {
        acknowledged.extend(r.unwrap());
    }
    let end = latest_seq(&w.api, sam).await;

    for (i, (agent, old)) in streams.iter_mut().enumerate() {
        // What B sent before it died still counts; then the stream ends.
        while let Some(f) = old.frame(Duration::from_secs(5)).await {
            if f["type"] == "events" {
                received[i].extend(f["events"].as_array().unwrap().iter().cloned());
                cursors[i] = f["cursor"].as_i64().unwrap();
            }
        }
        let mut resumed = Stream::open(&w.api.base, &agent.token, cursors[i]).await;
        let (rest, cursor) = resumed.events_until(end, WAIT).await;
        assert_eq!(cursor, end, "{}: caught up on node A", agent.name);
        received[i].extend(rest);
        assert_eq!(
            seqs(&received[i]),
            ((start + 1)..=end).collect::<Vec<_>>(),
            "{}: every event once, in order, across the failover",
            agent.name
        );
        let got = bodies(&received[i]);
        let unique: HashSet<&String> = got.iter().collect();
        assert_eq!(unique.len(), got.len(), "{}: no message twice", agent.name);
        for m in &acknowledged {
            assert!(
                unique.contains(m),
                "{}: acknowledged message {m} was lost",
                agent.name
            );
        }
    }
    assert!(
        acknowledged.len() > 100,
        "the load ran: {} messages",
        acknowledged.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL (scripts/test runs it under scripts/postgres)"]
async fn a_commit_without_a_notification_still_arrives_within_a_heartbeat() {
    needs_postgres();
    use switchboard_protocol::EventKind;
    use switchboard_server::db::Db;
    use switchboard_server::hub::Audience;
    use switchboard_server::store::events::conversation_event;

    let w = World::standard().await;
    let b = w.another_node(&[]);
    let (alice, sam) = (w.agent(0), w.agent(2));
    let c = w.api.waiting_customer("Quiet", "hello").await;
    let start = latest_seq(&w.api, sam).await;
    let mut on_b = Stream::open(&b.api.base, &alice.token, start).await;

    // A writer that commits an event and sends no NOTIFY (a notification lost
    // with its connection looks the same to the nodes).
    let db = Db::open(&switchboard_testkit::database_url(&w.server.dir).await)
        .await
        .unwrap();
    let mut tx = db.write().await.unwrap();
    let (event, _) = conversation_event(&mut tx, c.conversation, Audience::ALL, |conversation| {
        EventKind::ConversationRestored { conversation }
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let committed = std::time::Instant::now();

    let (events, cursor) = on_b.events_until(event.seq, Duration::from_secs(20)).await;
    let waited = committed.elapsed();
    assert_eq!(cursor, event.seq);
    assert_eq!(seqs(&events), vec![event.seq]);
    assert_eq!(events[0]["kind"]["type"], "conversation_restored");
    // The tests' heartbeat is 300 ms: the node's next tick reads the table
    // (within a few heartbeats even on a loaded machine; a node waiting for
    // a notification would wait for ever).
    assert!(
        waited < Duration::from_secs(10),
        "arrived after {waited:?}, not at the node's next tick"
    );
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (scripts/test runs it under scripts/postgres)"]
async fn neglected_conversations_return_once_with_two_nodes_sweeping() {
    needs_postgres();
    let w = World::new(
        &[("Alice", Role::Agent), ("Sam", Role::Supervisor)],
        &[],
        crate::returns::SHORT,
    )
    .await;
    let _b = w.another_node(crate::returns::SHORT);
    let (alice, sam) = (w.agent(0), w.agent(1));
    let mut ids = Vec::new();
    for i in 0..20 {
        let c = w.api.waiting_customer(&format!("Wait{i}"), "hello?").await;
        w.api.act(alice, c.conversation, "take").await.ok();
        ids.push(c.conversation);
    }
    for id in ids {
        let d = crate::returns::until_state(&w.api, sam, id, "not_assigned").await;
        assert_eq!(
            crate::returns::returned_lines(&d),
            ["Returned to the queue: no answer from Alice for 1 s"],
            "conversation {id}"
        );
    }
    // Another round of sweeps by both nodes adds nothing.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let snapshot = w.api.snapshot(sam).await;
    assert_eq!(ids_count(&snapshot), 20);
}

fn ids_count(snapshot: &Value) -> usize {
    snapshot["queue"].as_array().unwrap().len()
}

/// An agent whose app is connected only to a node that dies (kill -9: it
/// cannot write that the streams closed) stops counting as connected once the
/// node's presence rows are older than the time to live (30 s, refreshed every
/// 10 s), as read on the surviving node; transfers to them are refused again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (scripts/test runs it under scripts/postgres)"]
async fn agents_of_a_dead_node_stop_counting_as_connected() {
    needs_postgres();
    let w = World::standard().await;
    let b = w.another_node(&[]);
    let (alice, bob, sam) = (w.agent(0), w.agent(1), w.agent(2));
    let _bobs_app = Stream::open(&b.api.base, &bob.token, 0).await;
    let bob_connected = || async {
        let t = w.api.get("/api/v1/team", Some(&sam.token)).await.ok();
        t["agents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == bob.id && m["connected"] == true)
    };
    let deadline = std::time::Instant::now() + WAIT;
    while !bob_connected().await {
        assert!(std::time::Instant::now() < deadline, "Bob never counted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let c = w.api.waiting_customer("Maria", "hello").await;
    w.api.act(alice, c.conversation, "take").await.ok();

    let killed = std::time::Instant::now();
    drop(b);
    while bob_connected().await {
        assert!(
            killed.elapsed() < WAIT,
            "Bob still counted {:?} after his node died",
            killed.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let gone_after = killed.elapsed();
    // Not at once (nothing could say so) and within the time to live and a refresh.
    assert!(
        gone_after > Duration::from_secs(15) && gone_after < Duration::from_secs(45),
        "{gone_after:?}"
    );
    w.api
        .transfer(alice, c.conversation, bob.id, None, false)
        .await
        .err(409, "agent_unavailable");
}

/// Says "typing" once at `path` on `api` (a page or the app says it every
/// second while someone types: a signal is best effort, never stored).
async fn typing(api: &Api, path: &str, token: &str) {
    let r = api.post(path, Some(token), &json!({})).await;
    assert_eq!(r.status.as_u16(), 204, "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (scripts/test runs it under scripts/postgres)"]
async fn typing_crosses_nodes_both_ways() {
    needs_postgres();
    let w = World::standard().await;
    let b = w.another_node(&[]);
    let (alice, sam) = (w.agent(0), w.agent(2));
    let c = w.api.waiting_customer("Maria", "Hello?").await;
    let id = c.conversation;
    w.api.act(alice, id, "take").await.ok();
    let mut alices = Stream::open(&w.api.base, &alice.token, latest_seq(&w.api, sam).await).await;

    // The customer's page is on node B; Alice's app on node A. A page says it
    // again every second while the customer types (a signal is best effort,
    // not stored): Alice hears it within a few of those.
    let mut heard = Vec::new();
    for _ in 0..10 {
        typing(
            &b.api,
            &format!("/api/v1/customer/conversations/{id}/typing"),
            &c.token,
        )
        .await;
        heard = alices.typing_within(Duration::from_secs(1)).await;
        if !heard.is_empty() {
            break;
        }
    }
    let maria = (id, "Maria".to_string());
    assert!(
        !heard.is_empty() && heard.iter().all(|h| *h == maria),
        "Alice heard {heard:?}"
    );

    // And back, typing every second as the app does (signals are best effort).
    let mut page = crate::typing::customer_stream(&b.api, &c).await;
    let mut heard = Vec::new();
    for _ in 0..10 {
        typing(
            &w.api,
            &format!("/api/v1/conversations/{id}/typing"),
            &alice.token,
        )
        .await;
        heard = crate::typing::page_typing(&mut page, Duration::from_secs(1)).await;
        if !heard.is_empty() {
            break;
        }
    }
    assert!(
        !heard.is_empty() && heard.iter().all(|n| n == "Alice"),
        "the page on node B hears Alice typing on node A: {heard:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (scripts/test runs it under scripts/postgres)"]
async fn signing_out_on_one_node_closes_the_sessions_streams_on_the_other_at_once() {
    needs_postgres();
    let w = World::standard().await;
    // Node B checks its streams' sessions in the table only once a minute: a
    // stream it closes within seconds was told, not found.
    let b = w.another_node(&["--session-sweep-ms", "60000"]);
    let (alice, bob) = (w.agent(0), w.agent(1));
    let token = w.api.login(&alice.email, crate::support::PASSWORD).await;
    let mut on_b = Stream::open(&b.api.base, &token, 0).await;
    let mut bob_on_b = Stream::open(&b.api.base, &bob.token, 0).await;
    assert_eq!(on_b.frame(WAIT).await.unwrap()["type"], "heartbeat");
    let r = w
        .api
        .post("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(r.status, 204);
    let (closed, bob_closed) = tokio::join!(
        on_b.closed_within(Duration::from_secs(20)),
        bob_on_b.closed_within(Duration::from_secs(2))
    );
    assert!(closed, "the stream on the other node closed");
    assert!(!bob_closed, "Bob's stream stays open");

    // Removing an agent on node A closes their streams on node B too.
    let mut bob_again = Stream::open(&b.api.base, &bob.token, 0).await;
    assert_eq!(bob_again.frame(WAIT).await.unwrap()["type"], "heartbeat");
    let sam = w.agent(2);
    let r = w
        .api
        .delete(&format!("/api/v1/agents/{}", bob.id), Some(&sam.token))
        .await;
    assert_eq!(r.status.as_u16(), 204, "{:?}", r.body);
    assert!(bob_again.closed_within(Duration::from_secs(20)).await);
    assert!(bob_on_b.closed_within(Duration::from_secs(5)).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (scripts/test runs it under scripts/postgres)"]
async fn rate_limits_count_across_nodes_not_per_node() {
    needs_postgres();
    let limits = [
        "--customer-messages-per-minute",
        "4",
        "--customer-starts-per-minute",
        "3",
    ];
    let w = World::new(&[("Alice", Role::Agent)], &["Billing"], &limits).await;
    let b = w.another_node(&limits);
    let nodes = [&w.api, &b.api];
    let login = json!({"email": "mallory@example.com", "password": "guess"});

    // Five tries per email, wherever they land; then every node refuses.
    for i in 0..5 {
        nodes[i % 2]
            .post("/api/v1/auth/login", None, &login)
            .await
            .err(401, "invalid_credentials");
    }
    for api in nodes {
        api.post("/api/v1/auth/login", None, &login)
            .await
            .err(429, "rate_limited");
    }

    // Four messages a minute to a conversation, split between the nodes.
    let c = w.api.start_customer("Flood", "flood@example.net").await;
    for i in 0..4 {
        nodes[i % 2]
            .customer_says(&c, &format!("line {i}"))
            .await
            .ok();
    }
    for api in nodes {
        api.customer_says(&c, "one too many")
            .await
            .err(429, "rate_limited");
    }

    // Three new chats a minute from one address (one is Flood's).
    b.api.start_customer("Two", "two@example.net").await;
    w.api.start_customer("Three", "three@example.net").await;
    for api in nodes {
        api.post(
            "/api/v1/customer/conversations",
            None,
            &json!({"name": "Four", "email": "four@example.net"}),
        )
        .await
        .err(429, "rate_limited");
    }
}
