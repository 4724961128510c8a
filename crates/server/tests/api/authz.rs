//! Every route × role × ownership, and customer tokens.

use crate::support::*;
use serde_json::{json, Value};
use switchboard_protocol::Role;
use uuid::Uuid;

fn op() -> Value {
    json!({"op_id": Uuid::new_v4()})
}

#[tokio::test]
async fn every_agent_route_needs_a_valid_token() {
    let w = World::standard().await;
    let api = &w.api;
    let c = api.waiting_customer("Anon", "hi").await;
    let id = c.conversation;
    let gets = [
        "/api/v1/me".to_string(),
        "/api/v1/snapshot".into(),
        "/api/v1/archive".into(),
        format!("/api/v1/conversations/{id}"),
        "/api/v1/subjects".into(),
        "/api/v1/agents".into(),
        "/api/v1/blocked-customers".into(),
        "/api/v1/stream?cursor=0".into(),
        "/api/v1/team".into(),
        "/api/v1/attachments/1".into(),
        "/api/v1/attachments/1?thumbnail=true".into(),
    ];
    let bob = w.agent(1).id;
    let posts = [
        "take", "free", "reopen", "spam", "messages", "notes", "end", "transfer",
    ]
    .iter()
    .map(|a| format!("/api/v1/conversations/{id}/{a}"))
    .chain([
        "/api/v1/blocked-customers/1/unblock".to_string(),
        "/api/v1/auth/logout".into(),
        format!(
            "/api/v1/conversations/{id}/attachments?name=a.png&op_id={}",
            Uuid::new_v4()
        ),
        format!("/api/v1/conversations/{id}/typing"),
    ]);
    for token in [None, Some("sba_not-a-real-token"), Some("")] {
        for path in &gets {
            api.get(path, token).await.err(401, "unauthorized");
        }
        for path in posts.clone() {
            api.post(&path, token, &json!({"op_id": Uuid::new_v4(), "body": "x", "subject": "dont_know", "mood": "happy"}))
                .await
                .err(401, "unauthorized");
        }
        api.put(
            "/api/v1/me/availability",
            token,
            &json!({"availability": "away"}),
        )
        .await
        .err(401, "unauthorized");
        api.put(
            &format!("/api/v1/agents/{bob}/capacity"),
            token,
            &json!({"capacity": 1}),
        )
        .await
        .err(401, "unauthorized");
        api.delete(&format!("/api/v1/agents/{bob}"), token)
            .await
            .err(401, "unauthorized");
    }
    // Bob is still on the team, as he was.
    let team = api.get("/api/v1/team", Some(&w.agent(2).token)).await.ok();
    assert!(team["agents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == bob && m["availability"] == "available" && m["capacity"].is_null()));
    // A customer token is not an agent token.
    api.get("/api/v1/snapshot", Some(&c.token))
        .await
        .err(401, "unauthorized");
}

#[tokio::test]
async fn sign_in_errors_logout_and_expiry() {
    let w = World::standard().await;
    let (api, alice) = (&w.api, w.agent(0));
    let bad = api
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": alice.email, "password": "wrong password"}),
        )
        .await;
    bad.err(401, "invalid_credentials");
    let unknown = api
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "nobody@example.com", "password": "whatever1"}),
        )
        .await;
    unknown.err(401, "invalid_credentials");
    // Emails compare case-insensitively.
    let token = api.login(&alice.email.to_uppercase(), PASSWORD).await;
    let me = api.get("/api/v1/me", Some(&token)).await.ok();
    assert_eq!(me["name"], "Alice");
    assert_eq!(me["role"], "agent");
    let r = api
        .post("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(r.status, 204);
    api.get("/api/v1/me", Some(&token))
        .await
        .err(401, "unauthorized");
    // Other sessions of the same agent are untouched.
    api.get("/api/v1/me", Some(&alice.token)).await.ok();

    // Repeated guessing of one account is slowed down.
    let mut limited = false;
    for _ in 0..8 {
        let r = api
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": "bob@example.com", "password": "guess guess"}),
            )
            .await;
        if r.status == 429 {
            r.err(429, "rate_limited");
            limited = true;
            break;
        }
        r.err(401, "invalid_credentials");
    }
    assert!(limited, "the sixth wrong guess in a row is rate limited");
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let w = World::new(&[("Alice", Role::Agent)], &[], &["--token-ttl-hours", "0"]).await;
    // The World signed in through the server, whose tokens expire at once.
    w.api
        .get("/api/v1/me", Some(&w.agent(0).token))
        .await
        .err(401, "unauthorized");
}

#[tokio::test]
async fn agents_reach_only_the_queue_their_own_and_their_archive() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let queued = api.waiting_customer("Q", "queued").await.conversation;
    let alices = api.waiting_customer("A", "alice's").await.conversation;
    api.act(alice, alices, "take").await.ok();
    let archived = api.waiting_customer("R", "archived").await.conversation;
    api.act(alice, archived, "take").await.ok();
    api.end(alice, archived, json!("dont_know"), "neutral")
        .await
        .ok();

    // Reading.
    for a in [alice, bob, sam] {
        api.detail(a, queued).await.ok();
    }
    api.detail(alice, alices).await.ok();
    api.detail(bob, alices).await.err(403, "forbidden");
    api.detail(sam, alices).await.ok();
    api.detail(alice, archived).await.ok();
    api.detail(bob, archived).await.err(403, "forbidden");
    api.detail(sam, archived).await.ok();
    api.detail(alice, 999_999).await.err(404, "not_found");

    // Archive paging: one's own; supervisors anyone's or all.
    let page = |a: &Agent, q: &str| {
        let api = api.clone();
        let (token, q) = (a.token.clone(), q.to_string());
        async move { api.get(&format!("/api/v1/archive{q}"), Some(&token)).await }
    };
    let own = page(alice, "").await.ok();
    assert_eq!(own["conversations"][0]["conversation"]["id"], archived);
    assert!(page(bob, "").await.ok()["conversations"]
        .as_array()
        .unwrap()
        .is_empty());
    page(bob, &format!("?agent_id={}", alice.id))
        .await
        .err(403, "forbidden");
    page(bob, "?all=true").await.err(403, "forbidden");
    page(bob, &format!("?agent_id={}", bob.id)).await.ok();
    let theirs = page(sam, &format!("?agent_id={}", alice.id)).await.ok();
    assert_eq!(theirs["conversations"][0]["conversation"]["id"], archived);
    assert_eq!(
        page(sam, "?all=true").await.ok()["conversations"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Acting on someone else's conversation.
    api.reply(bob, alices, "hi").await.err(409, "not_occupant");
    api.act(bob, alices, "free").await.err(409, "not_occupant");
    api.act(bob, alices, "spam").await.err(409, "not_occupant");
    api.end(bob, alices, json!("dont_know"), "happy")
        .await
        .err(409, "not_occupant");
    api.act(bob, archived, "reopen").await.err(403, "forbidden");
    // Supervisors may free anyone's conversation and reopen anyone's archive, but
    // only the occupant replies and ends.
    api.reply(sam, alices, "hi").await.err(409, "not_occupant");
    api.end(sam, alices, json!("dont_know"), "happy")
        .await
        .err(409, "not_occupant");
    api.act(sam, alices, "free").await.ok();
    api.act(sam, archived, "reopen").await.ok();

    // Supervisor-only routes.
    api.get("/api/v1/agents", Some(&alice.token))
        .await
        .err(403, "forbidden");
    let agents = api.get("/api/v1/agents", Some(&sam.token)).await.ok();
    assert_eq!(agents["agents"].as_array().unwrap().len(), 3);
    api.get("/api/v1/blocked-customers", Some(&bob.token))
        .await
        .err(403, "forbidden");
    api.post(
        "/api/v1/blocked-customers/1/unblock",
        Some(&bob.token),
        &op(),
    )
    .await
    .err(403, "forbidden");
    api.post(
        "/api/v1/blocked-customers/424242/unblock",
        Some(&sam.token),
        &op(),
    )
    .await
    .err(404, "not_found");

    // Snapshots: supervisors also see others' occupied conversations.
    let snap = api.snapshot(sam).await;
    assert!(snap["others"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["occupant"]["id"] != sam.id));
    assert!(api.snapshot(bob).await["others"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn customer_tokens_open_only_their_own_conversation() {
    let w = World::standard().await;
    let api = &w.api;
    let a = api.waiting_customer("Ann", "mine").await;
    let b = api.waiting_customer("Ben", "his").await;
    let path = |c: &Customer| format!("/api/v1/customer/conversations/{}", c.conversation);
    api.get(&path(&a), Some(&a.token)).await.ok();
    api.get(&path(&b), Some(&a.token))
        .await
        .err(403, "forbidden");
    api.get(&path(&b), None).await.err(401, "unauthorized");
    api.get(&path(&b), Some("sbc_guess"))
        .await
        .err(401, "unauthorized");
    api.get(&path(&b), Some(&w.agent(0).token))
        .await
        .err(401, "unauthorized");
    let post = format!("{}/messages", path(&b));
    api.post(&post, Some(&a.token), &json!({"body": "intrusion"}))
        .await
        .err(403, "forbidden");
    // Nor write an agents' note, even in their own conversation.
    api.post(
        &format!("/api/v1/conversations/{}/notes", a.conversation),
        Some(&a.token),
        &op(),
    )
    .await
    .err(401, "unauthorized");
    let seen = api.get(&path(&b), Some(&b.token)).await.ok();
    assert_eq!(
        seen["messages"].as_array().unwrap().len(),
        1,
        "nothing was written by the intruder"
    );
    // Tokens are long and random.
    assert!(a.token.len() >= 40 && a.token != b.token);
}
