//! Removing an agent who left: signed out, no longer offered or counted, their
//! conversations back in the queue, their name kept on the history. Both backends.

use crate::support::*;
use crate::team::{set_capacity, system_lines, team};
use serde_json::json;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn a_removed_agent_is_signed_out_and_not_offered_and_their_conversations_go_back() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let maria = api.waiting_customer("Maria", "my parcel is lost").await;
    let olga = api.waiting_customer("Olga", "hello?").await;
    api.act(bob, maria.conversation, "take").await.ok();
    api.act(bob, olga.conversation, "take").await.ok();
    api.act(alice, olga.conversation, "take")
        .await
        .err(409, "conversation_taken");
    let start = latest_seq(api, sam).await;
    let mut alice_stream = Stream::open(&api.base, &alice.token, start).await;
    let path = format!("/api/v1/agents/{}", bob.id);

    // Only supervisors, never themselves, never twice.
    api.delete(&path, Some(&alice.token))
        .await
        .err(403, "forbidden");
    api.delete(&format!("/api/v1/agents/{}", sam.id), Some(&sam.token))
        .await
        .err(409, "invalid_state");
    api.delete("/api/v1/agents/999999", Some(&sam.token))
        .await
        .err(404, "not_found");
    let r = api.delete(&path, Some(&sam.token)).await;
    assert_eq!(r.status.as_u16(), 204, "{:?}", r.body);
    api.delete(&path, Some(&sam.token))
        .await
        .err(404, "not_found");

    // Bob is signed out and cannot sign in again.
    api.get("/api/v1/snapshot", Some(&bob.token))
        .await
        .err(401, "unauthorized");
    api.post(
        "/api/v1/auth/login",
        None,
        &json!({"email": bob.email, "password": PASSWORD}),
    )
    .await
    .err(401, "invalid_credentials");

    // His conversations are back in the queue, oldest first, with the reason.
    assert_eq!(
        ids(&api.snapshot(alice).await, "queue"),
        [maria.conversation, olga.conversation]
    );
    for c in [&maria, &olga] {
        assert_eq!(
            system_lines(api, sam, c.conversation).await.last().unwrap(),
            "Returned to the queue: Bob was removed from the team"
        );
    }
    let end = latest_seq(api, sam).await;
    let (events, _) = alice_stream.events_until(end, WAIT).await;
    let returned: Vec<i64> = events
        .iter()
        .filter(|e| e["kind"]["type"] == "conversation_returned")
        .map(|e| e["kind"]["conversation"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(returned, [maria.conversation, olga.conversation]);

    // He is no longer on the team, offered for transfers or given a capacity.
    let t = team(api, sam).await;
    assert!(
        !t["agents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == bob.id),
        "{t}"
    );
    let agents = api.get("/api/v1/agents", Some(&sam.token)).await.ok();
    assert!(
        !agents["agents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == bob.id),
        "{agents}"
    );
    set_capacity(api, sam, bob.id, json!(3))
        .await
        .err(404, "not_found");
    api.act(alice, maria.conversation, "take").await.ok();
    api.transfer(alice, maria.conversation, bob.id, None, false)
        .await
        .err(404, "not_found");
    api.transfer(sam, maria.conversation, bob.id, None, true)
        .await
        .err(404, "not_found");
    // His name stays on what he did.
    let d = api.detail(sam, maria.conversation).await.ok();
    assert!(d["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["body"] == "Taken by Bob"));
}
