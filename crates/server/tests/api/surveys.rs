//! End-of-chat surveys on the web: asked once the agent ends, answered once,
//! credited to the closer, shown on the archived conversation, live to the closer.

use crate::support::*;
use serde_json::{json, Value};
use std::time::Duration;

async fn rate(api: &Api, c: &Customer, body: Value) -> Reply {
    api.post(
        &format!("/api/v1/customer/conversations/{}/survey", c.conversation),
        Some(&c.token),
        &body,
    )
    .await
}

#[tokio::test]
async fn a_rating_is_taken_once_credited_to_the_closer_and_shown_on_the_archive() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let c = api.waiting_customer("Maria", "My parcel is late").await;
    let id = c.conversation;

    // Not ended yet: there is nothing to rate.
    assert!(api.customer_reads(&c).await["survey"].is_null());
    rate(api, &c, json!({"rating": 5}))
        .await
        .err(409, "invalid_state");

    api.act(alice, id, "take").await.ok();
    api.reply(alice, id, "It is on its way").await.ok();
    let seq = latest_seq(api, sam).await;
    let mut stream = Stream::open(&api.base, &alice.token, seq).await;
    api.end(alice, id, json!({"known": "Shipping"}), "happy")
        .await
        .ok();

    // The page now shows an unanswered survey.
    let view = api.customer_reads(&c).await;
    assert_eq!(view["ended"], true);
    assert_eq!(view["survey"]["rating"], Value::Null);

    // Out-of-range and malformed ratings are refused; nothing is stored.
    for bad in [
        json!({"rating": 0}),
        json!({"rating": 6}),
        json!({"rating": -3}),
    ] {
        rate(api, &c, bad).await.err(400, "invalid_field");
    }
    for bad in [
        json!({"rating": "5"}),
        json!({"rating": 4.5}),
        json!({}),
        json!({"rating": 5, "extra": 1}),
    ] {
        rate(api, &c, bad).await.err(400, "invalid_request");
    }
    let long = "x".repeat(1001);
    rate(api, &c, json!({"rating": 4, "comment": long}))
        .await
        .err(400, "invalid_field");
    assert_eq!(
        api.customer_reads(&c).await["survey"]["rating"],
        Value::Null
    );

    // Another conversation's token cannot rate this one.
    let other = api.waiting_customer("Other", "hi").await;
    api.post(
        &format!("/api/v1/customer/conversations/{id}/survey"),
        Some(&other.token),
        &json!({"rating": 1}),
    )
    .await
    .err(403, "forbidden");

    let answered = rate(
        api,
        &c,
        json!({"rating": 4, "comment": "Quick <b>and</b> kind"}),
    )
    .await
    .ok();
    assert_eq!(answered["rating"], 4);
    // Submitting again (a double click, a second tab) does not count twice.
    rate(api, &c, json!({"rating": 1}))
        .await
        .err(409, "survey_answered");
    let view = api.customer_reads(&c).await;
    assert_eq!(view["survey"]["rating"], 4);
    assert_eq!(view["survey"]["comment"], "Quick <b>and</b> kind");

    // The closer sees it arrive live, and on the archived conversation.
    let (events, _) = stream
        .events_until(latest_seq(api, sam).await, Duration::from_secs(5))
        .await;
    let arrived = events
        .iter()
        .find(|e| e["kind"]["type"] == "survey_answered")
        .expect("a survey_answered event");
    assert_eq!(arrived["kind"]["conversation"]["id"], id);
    assert_eq!(arrived["kind"]["conversation"]["survey"]["rating"], 4);
    let detail = api.detail(alice, id).await.ok();
    assert_eq!(detail["conversation"]["survey"]["rating"], 4);
    assert_eq!(
        detail["conversation"]["survey"]["comment"],
        "Quick <b>and</b> kind"
    );
    let snap = api.snapshot(alice).await;
    assert_eq!(find(&snap, "archive", id).unwrap()["survey"]["rating"], 4);
}

#[tokio::test]
async fn a_reopened_conversation_asks_again_at_its_next_end() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let c = api.waiting_customer("Ann", "Question").await;
    let id = c.conversation;
    api.act(alice, id, "take").await.ok();
    api.end(alice, id, json!("dont_know"), "neutral").await.ok();
    rate(api, &c, json!({"rating": 2})).await.ok();

    // A supervisor reopens it: the page no longer offers a survey, and the
    // archived rating is not shown on an open conversation.
    api.act(sam, id, "reopen").await.ok();
    assert!(api.customer_reads(&c).await["survey"].is_null());
    rate(api, &c, json!({"rating": 5}))
        .await
        .err(409, "invalid_state");
    assert!(api.detail(sam, id).await.ok()["conversation"]["survey"].is_null());

    // Sam frees it, Bob takes and ends it: a fresh survey, credited to Bob.
    api.act(sam, id, "free").await.ok();
    api.act(bob, id, "take").await.ok();
    api.end(bob, id, json!({"known": "Billing"}), "happy")
        .await
        .ok();
    assert_eq!(
        api.customer_reads(&c).await["survey"]["rating"],
        Value::Null
    );
    rate(api, &c, json!({"rating": 5})).await.ok();
    let detail = api.detail(bob, id).await.ok();
    assert_eq!(detail["conversation"]["survey"]["rating"], 5);
    assert_eq!(detail["conversation"]["closure"]["closed_by"]["id"], bob.id);
}

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next whole-conversation frame of a customer stream.
pub async fn next_view(ws: &mut Ws) -> Value {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a frame within 5 s")
            .unwrap()
            .unwrap();
        if let Message::Text(t) = msg {
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "conversation" {
                return v["conversation"].clone();
            }
        }
    }
}

#[tokio::test]
async fn the_customer_stream_pushes_replies_the_end_and_the_rating() {
    let w = World::standard().await;
    let (api, alice) = (&w.api, w.agent(0));
    let c = api.waiting_customer("Lea", "Hello?").await;
    let id = c.conversation;
    let url = format!(
        "{}/api/v1/customer/conversations/{id}/stream",
        api.base.replace("http://", "ws://")
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    ws.send(Message::text(json!({"token": c.token}).to_string()))
        .await
        .unwrap();
    let first = next_view(&mut ws).await;
    assert_eq!(first["messages"].as_array().unwrap().len(), 1);
    api.act(alice, id, "take").await.ok();
    api.reply(alice, id, "Hi Lea, <i>how</i> can I help?")
        .await
        .ok();
    let v = next_view(&mut ws).await;
    let last = v["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["from"], "agent");
    assert_eq!(last["agent_name"], "Alice");
    assert_eq!(last["body"], "Hi Lea, <i>how</i> can I help?");
    api.end(alice, id, json!("dont_know"), "happy").await.ok();
    let v = next_view(&mut ws).await;
    assert_eq!(v["ended"], true);
    assert_eq!(v["survey"]["rating"], Value::Null);
    rate(api, &c, json!({"rating": 3})).await.ok();
    assert_eq!(next_view(&mut ws).await["survey"]["rating"], 3);

    // A wrong token gets an error frame, then the stream closes.
    let (mut bad, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    bad.send(Message::text(json!({"token": "sbc_nope"}).to_string()))
        .await
        .unwrap();
    let msg = tokio::time::timeout(Duration::from_secs(5), bad.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let v: Value = serde_json::from_str(msg.to_text().unwrap()).unwrap();
    assert_eq!(v["type"], "error");
    assert_eq!(v["code"], "unauthorized");
}
