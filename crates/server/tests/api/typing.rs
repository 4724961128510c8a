//! Typing and seen. A customer typing reaches the agents who see the
//! conversation; the occupant typing reaches the customer's page; neither is
//! stored, and both are thinned to about one a second. The page's "seen" moves
//! the conversation's `seen_message_id` forward only, for agents' lines of that
//! conversation. Both backends.

use crate::support::*;
use crate::surveys::Ws;
use serde_json::{json, Value};
use std::time::Duration;

const QUIET: Duration = Duration::from_millis(1500);

async fn customer_typing(api: &Api, c: &Customer) -> Reply {
    api.post(
        &format!("/api/v1/customer/conversations/{}/typing", c.conversation),
        Some(&c.token),
        &json!({}),
    )
    .await
}

async fn agent_typing(api: &Api, a: &Agent, id: i64) -> Reply {
    api.post(
        &format!("/api/v1/conversations/{id}/typing"),
        Some(&a.token),
        &json!({}),
    )
    .await
}

async fn seen(api: &Api, c: &Customer, message: i64) -> Reply {
    api.post(
        &format!("/api/v1/customer/conversations/{}/seen", c.conversation),
        Some(&c.token),
        &json!({"message_id": message}),
    )
    .await
}

fn no_content(r: Reply) {
    assert_eq!(r.status.as_u16(), 204, "{:?}", r.body);
}

/// The customer's stream, authenticated, past its first frame.
pub async fn customer_stream(api: &Api, c: &Customer) -> Ws {
    use futures_util::SinkExt;
    let url = format!(
        "{}/api/v1/customer/conversations/{}/stream",
        api.base.replace("http://", "ws://"),
        c.conversation
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    ws.send(tokio_tungstenite::tungstenite::Message::text(
        json!({"token": c.token}).to_string(),
    ))
    .await
    .unwrap();
    crate::surveys::next_view(&mut ws).await;
    ws
}

/// The page's typing frames within `wait`, by agent name.
pub async fn page_typing(ws: &mut Ws, wait: Duration) -> Vec<String> {
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + wait;
    let mut out = Vec::new();
    while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline, ws.next()).await {
        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "typing" {
                out.push(v["agent_name"].as_str().unwrap().to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn a_customer_typing_reaches_the_agents_who_see_the_conversation() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let c = api.waiting_customer("Maria", "Hello?").await;
    let id = c.conversation;
    let start = latest_seq(api, sam).await;
    let mut alices = Stream::open(&api.base, &alice.token, start).await;
    let mut bobs = Stream::open(&api.base, &bob.token, start).await;
    // Signals are not stored: a stream hears those sent after it subscribed to
    // the hub, which may come just after the handshake. An event written now,
    // seen live by both, says they have.
    api.customer_says(&c, "anyone there?").await.ok();
    let now = latest_seq(api, sam).await;
    for s in [&mut alices, &mut bobs] {
        let (_, cursor) = s.events_until(now, Duration::from_secs(10)).await;
        assert!(cursor >= now, "the stream is live");
    }

    // In the queue: every agent sees it. Five in a row are one signal (when
    // they come within the server's gap: a slow run may let a second pass).
    let burst = std::time::Instant::now();
    for _ in 0..5 {
        no_content(customer_typing(api, &c).await);
    }
    let quick = burst.elapsed() < Duration::from_millis(800);
    let maria = (id, "Maria".to_string());
    let heard = alices.typing_within(QUIET).await;
    assert!(
        !heard.is_empty() && heard.iter().all(|h| *h == maria),
        "{heard:?}"
    );
    if quick {
        assert_eq!(heard.len(), 1, "five in a row are one signal");
    }
    assert_eq!(bobs.typing_within(QUIET).await, heard);

    // Alice takes it: Bob no longer hears.
    api.act(alice, id, "take").await.ok();
    no_content(customer_typing(api, &c).await);
    assert_eq!(
        alices.typing_within(QUIET).await,
        std::slice::from_ref(&maria)
    );
    assert!(bobs
        .typing_within(Duration::from_millis(100))
        .await
        .is_empty());

    // Nothing was stored: the log did not move for it.
    let before = latest_seq(api, sam).await;
    tokio::time::sleep(Duration::from_millis(900)).await;
    no_content(customer_typing(api, &c).await);
    assert_eq!(alices.typing_within(QUIET).await, [maria]);
    assert_eq!(latest_seq(api, sam).await, before);

    // Ended: nobody hears of it. A wrong token is refused.
    api.end(alice, id, json!("dont_know"), "happy").await.ok();
    no_content(customer_typing(api, &c).await);
    assert!(alices.typing_within(QUIET).await.is_empty());
    let stranger = api.waiting_customer("Ivo", "Hi").await;
    api.post(
        &format!("/api/v1/customer/conversations/{id}/typing"),
        Some(&stranger.token),
        &json!({}),
    )
    .await
    .err(403, "forbidden");
    api.post(
        &format!("/api/v1/customer/conversations/{id}/typing"),
        None,
        &json!({}),
    )
    .await
    .err(401, "unauthorized");
}

#[tokio::test]
async fn the_occupant_typing_reaches_the_customers_page() {
    let w = World::standard().await;
    let (api, alice, bob) = (&w.api, w.agent(0), w.agent(1));
    let c = api.waiting_customer("Maria", "Hello?").await;
    let id = c.conversation;
    let mut page = customer_stream(api, &c).await;

    // Only the occupant's typing counts.
    agent_typing(api, alice, id).await.err(409, "not_occupant");
    api.act(alice, id, "take").await.ok();
    agent_typing(api, bob, id).await.err(409, "not_occupant");
    let burst = std::time::Instant::now();
    for _ in 0..3 {
        no_content(agent_typing(api, alice, id).await);
    }
    let quick = burst.elapsed() < Duration::from_millis(800);
    let heard = page_typing(&mut page, QUIET).await;
    assert!(
        !heard.is_empty() && heard.iter().all(|n| n == "Alice"),
        "{heard:?}"
    );
    if quick {
        assert_eq!(heard.len(), 1, "three in a row are one signal");
    }
    agent_typing(api, alice, 999_999)
        .await
        .err(404, "not_found");
    api.post(
        &format!("/api/v1/conversations/{id}/typing"),
        None,
        &json!({}),
    )
    .await
    .err(401, "unauthorized");
}

#[tokio::test]
async fn seen_moves_forward_over_the_agents_lines_of_that_conversation() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let c = api.waiting_customer("Maria", "Hello?").await;
    let id = c.conversation;
    api.act(alice, id, "take").await.ok();
    let first = api.reply(alice, id, "Hi Maria").await.ok()["id"]
        .as_i64()
        .unwrap();
    let second = api.reply(alice, id, "How can I help?").await.ok()["id"]
        .as_i64()
        .unwrap();
    let seen_id = |d: Value| d["conversation"]["seen_message_id"].clone();
    assert_eq!(seen_id(api.detail(alice, id).await.ok()), Value::Null);

    let start = latest_seq(api, sam).await;
    let mut alices = Stream::open(&api.base, &alice.token, start).await;
    no_content(seen(api, &c, first).await);
    let (events, _) = alices
        .events_until(start + 1, Duration::from_secs(10))
        .await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["kind"]["type"], "messages_seen");
    assert_eq!(events[0]["kind"]["conversation"]["seen_message_id"], first);

    no_content(seen(api, &c, second).await);
    assert_eq!(seen_id(api.detail(alice, id).await.ok()), second);
    // Older or the same: nothing changes, no event.
    let before = latest_seq(api, sam).await;
    no_content(seen(api, &c, first).await);
    no_content(seen(api, &c, second).await);
    assert_eq!(seen_id(api.detail(alice, id).await.ok()), second);
    assert_eq!(latest_seq(api, sam).await, before);

    // Not an agent's line of this conversation: refused.
    let own = api.customer_says(&c, "Thanks").await.ok()["message"]["id"]
        .as_i64()
        .unwrap();
    seen(api, &c, own).await.err(404, "not_found");
    let other = api.waiting_customer("Ivo", "Hi").await;
    api.act(alice, other.conversation, "take").await.ok();
    let elsewhere = api.reply(alice, other.conversation, "Hi Ivo").await.ok()["id"]
        .as_i64()
        .unwrap();
    seen(api, &c, elsewhere).await.err(404, "not_found");
    seen(api, &c, 999_999).await.err(404, "not_found");
    api.post(
        &format!("/api/v1/customer/conversations/{id}/seen"),
        Some(&c.token),
        &json!({"message_id": "x"}),
    )
    .await
    .err(400, "invalid_request");
    api.post(
        &format!("/api/v1/customer/conversations/{id}/seen"),
        Some(&other.token),
        &json!({"message_id": second}),
    )
    .await
    .err(403, "forbidden");
    assert_eq!(seen_id(api.detail(alice, id).await.ok()), second);
}
