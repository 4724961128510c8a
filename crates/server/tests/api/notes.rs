//! Internal notes: written by whoever may read the conversation, in any state,
//! kept with its history for the team, once per op id, and never reaching the
//! customer: not in the customer API, not on the customer stream, not by text.
//! Both backends.

use crate::sms::{text, world as texting_world};
use crate::sms_provider::Provider;
use crate::support::*;
use crate::surveys::next_view;
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

async fn note(api: &Api, a: &Agent, id: i64, op: Uuid, body: &str) -> Reply {
    api.post(
        &format!("/api/v1/conversations/{id}/notes"),
        Some(&a.token),
        &json!({"op_id": op, "body": body}),
    )
    .await
}

/// (author, body) of each line of an agent's view of a conversation.
fn lines(detail: &Value) -> Vec<(String, String)> {
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["author"].as_str().unwrap().to_string(),
                m["body"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The bodies the customer sees.
fn customer_bodies(view: &Value) -> Vec<String> {
    view["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn notes_stay_with_the_team_and_never_reach_the_customer() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let c = api.waiting_customer("Maria", "My parcel is late").await;
    let id = c.conversation;

    // The customer's stream is open all along.
    let url = format!(
        "{}/api/v1/customer/conversations/{id}/stream",
        api.base.replace("http://", "ws://")
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    {
        use futures_util::SinkExt;
        ws.send(tokio_tungstenite::tungstenite::Message::text(
            json!({"token": c.token}).to_string(),
        ))
        .await
        .unwrap();
    }
    assert_eq!(
        customer_bodies(&next_view(&mut ws).await),
        ["My parcel is late"]
    );
    let mut alices = Stream::open(&api.base, &alice.token, latest_seq(api, sam).await).await;

    // In the queue: Bob (an agent) may leave a note; it answers nobody.
    let before = api.detail(sam, id).await.ok();
    let n = note(
        api,
        bob,
        id,
        Uuid::new_v4(),
        "VIP: second late parcel this month",
    )
    .await
    .created();
    assert_eq!(n["author"], "note");
    assert_eq!(n["agent"]["name"], "Bob");
    let after = api.detail(sam, id).await.ok();
    assert_eq!(
        after["conversation"]["unanswered"], before["conversation"]["unanswered"],
        "a note is no answer"
    );
    assert_eq!(
        after["conversation"]["last_message_at"],
        before["conversation"]["last_message_at"]
    );
    // Alice's app hears of it (the queue is everyone's).
    let (events, _) = alices
        .events_until(
            after["conversation"]["version"].as_i64().unwrap(),
            Duration::from_secs(10),
        )
        .await;
    assert!(
        events
            .iter()
            .any(|e| e["kind"]["message"]["author"] == "note"),
        "{events:?}"
    );

    // Alice takes it: the occupant and a supervisor write notes; Bob no longer may.
    api.act(alice, id, "take").await.ok();
    note(api, alice, id, Uuid::new_v4(), "Checked the courier: lost")
        .await
        .created();
    note(api, sam, id, Uuid::new_v4(), "Offer a refund")
        .await
        .created();
    note(api, bob, id, Uuid::new_v4(), "Me too")
        .await
        .err(403, "forbidden");
    api.reply(alice, id, "Sorry Maria, we are refunding you.")
        .await
        .ok();

    // The team sees every line, in order.
    let d = api.detail(alice, id).await.ok();
    let team: Vec<(String, String)> = lines(&d)
        .into_iter()
        .filter(|(a, _)| a != "system")
        .collect();
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        team,
        [
            pair("customer", "My parcel is late"),
            pair("note", "VIP: second late parcel this month"),
            pair("note", "Checked the courier: lost"),
            pair("note", "Offer a refund"),
            pair("agent", "Sorry Maria, we are refunding you."),
        ]
    );

    // The customer: the reply, and none of the notes, on the stream and the API.
    let view = next_view(&mut ws).await;
    assert_eq!(
        customer_bodies(&view),
        ["My parcel is late", "Sorry Maria, we are refunding you."]
    );
    let read = api
        .get(
            &format!("/api/v1/customer/conversations/{id}"),
            Some(&c.token),
        )
        .await
        .ok();
    assert_eq!(customer_bodies(&read), customer_bodies(&view));
    assert!(!read.to_string().contains("refund\""), "{read}");
    assert!(
        !read.to_string().to_lowercase().contains("courier"),
        "{read}"
    );

    // Archived: the note is kept and shows in the archive; the closer adds one.
    api.end(alice, id, json!("dont_know"), "happy").await.ok();
    note(api, alice, id, Uuid::new_v4(), "Refund sent")
        .await
        .created();
    let archived = api.detail(sam, id).await.ok();
    assert_eq!(archived["conversation"]["state"], "archived");
    assert_eq!(
        lines(&archived).last().unwrap(),
        &pair("note", "Refund sent")
    );
    let page = api
        .get("/api/v1/archive?limit=10", Some(&alice.token))
        .await
        .ok();
    assert!(page.to_string().contains("Refund sent"), "{page}");
    let read = api
        .get(
            &format!("/api/v1/customer/conversations/{id}"),
            Some(&c.token),
        )
        .await
        .ok();
    assert!(!read.to_string().contains("Refund sent"), "{read}");
}

#[tokio::test]
async fn a_note_is_stored_once_per_op_and_bad_ones_are_refused() {
    let w = World::standard().await;
    let (api, alice) = (&w.api, w.agent(0));
    let c = api.waiting_customer("Ivo", "Hello").await;
    let id = c.conversation;
    let op = Uuid::new_v4();
    let first = note(api, alice, id, op, "Regular customer").await.created();
    let again = note(api, alice, id, op, "Regular customer").await.created();
    assert_eq!(first, again, "a retry answers as the first time");
    note(api, alice, id, op, "Something else")
        .await
        .err(409, "op_id_reused");
    let notes = lines(&api.detail(alice, id).await.ok())
        .into_iter()
        .filter(|(a, _)| a == "note")
        .count();
    assert_eq!(notes, 1);

    note(api, alice, id, Uuid::new_v4(), "   ")
        .await
        .err(400, "invalid_field");
    note(api, alice, id, Uuid::new_v4(), &"x".repeat(10_001))
        .await
        .err(400, "message_too_long");
    note(api, alice, 999_999, Uuid::new_v4(), "Hi")
        .await
        .err(404, "not_found");
    api.post(
        &format!("/api/v1/conversations/{id}/notes"),
        None,
        &json!({"op_id": Uuid::new_v4(), "body": "Hi"}),
    )
    .await
    .err(401, "unauthorized");
}

#[tokio::test]
async fn a_note_in_a_texted_conversation_is_not_texted() {
    let provider = Provider::start().await;
    let w = texting_world(&provider).await;
    let (api, alice) = (&w.api, w.agent(0));
    text(api, "SM0900", "+15551239000", "Hello?").await.ok();
    let id = ids(&api.snapshot(alice).await, "queue")[0];
    api.act(alice, id, "take").await.ok();
    note(api, alice, id, Uuid::new_v4(), "Private: check the account")
        .await
        .created();
    api.reply(alice, id, "Hi, Alice here").await.ok();
    // The reply, sent after the note, is the only text.
    let sent = provider.wait_sent(1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let bodies: Vec<String> = provider.sent().into_iter().map(|s| s.body).collect();
    assert_eq!(bodies, ["Hi, Alice here"], "{sent:?}");
    assert_eq!(provider.attempts_of("Private: check the account"), 0);
}
