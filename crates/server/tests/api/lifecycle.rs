//! The manual's whole lifecycle: take, reply, free, take by another, end with the
//! questionnaire, archive, write-after-end, reopen, spam and unblock.

use crate::support::*;
use serde_json::{json, Value};

fn bodies(detail: &serde_json::Value) -> Vec<(String, String)> {
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

#[tokio::test]
async fn manual_lifecycle_from_queue_to_archive_and_back() {
    let w = World::standard().await;
    let (api, alice, bob) = (&w.api, w.agent(0), w.agent(1));

    // A customer writes: the conversation waits in everyone's queue, in red.
    let maria = api
        .waiting_customer("Maria", "Hello, my parcel is late")
        .await;
    let id = maria.conversation;
    let snap = api.snapshot(alice).await;
    let row = find(&snap, "queue", id).expect("in the queue");
    assert_eq!(row["state"], "not_assigned");
    assert_eq!(row["unanswered"]["body"], "Hello, my parcel is late");
    assert_eq!(row["customer"]["name"], "Maria");
    assert_eq!(row["customer"]["email"], "maria@example.net");

    // Alice takes it: it leaves the queue for everyone and is hers.
    let taken = api.act(alice, id, "take").await.ok();
    assert_eq!(taken["state"], "occupied");
    assert_eq!(taken["occupant"]["name"], "Alice");
    assert!(find(&api.snapshot(bob).await, "queue", id).is_none());
    assert!(find(&api.snapshot(alice).await, "mine", id).is_some());

    // Her reply brings it up to date.
    let msg = api.reply(alice, id, "It is on its way!").await.ok();
    assert_eq!(msg["author"], "agent");
    assert_eq!(msg["agent"]["name"], "Alice");
    let row = api.snapshot(alice).await;
    assert!(
        find(&row, "mine", id).unwrap()["unanswered"].is_null(),
        "Conversation up to date"
    );

    // The customer writes again, and Alice frees the conversation without answering:
    // back in the queue, the unanswered message still marked.
    api.customer_says(&maria, "When exactly?").await.ok();
    let freed = api.act(alice, id, "free").await.ok();
    assert_eq!(freed["state"], "not_assigned");
    assert!(freed["occupant"].is_null());
    let snap = api.snapshot(bob).await;
    let row = find(&snap, "queue", id).expect("back in the queue");
    assert_eq!(row["unanswered"]["body"], "When exactly?");
    assert!(find(&api.snapshot(alice).await, "mine", id).is_none());

    // History is kept, with the system lines.
    let detail = api.detail(bob, id).await.ok();
    assert_eq!(
        bodies(&detail),
        vec![
            ("customer".into(), "Hello, my parcel is late".into()),
            ("system".into(), "Taken by Alice".into()),
            ("agent".into(), "It is on its way!".into()),
            ("customer".into(), "When exactly?".into()),
            ("system".into(), "Freed by Alice".into()),
        ]
    );
    // Each system line also says what it means, for the app to say it in its
    // agent's language; other lines carry nothing of the kind.
    let meanings: Vec<&Value> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["system"])
        .collect();
    assert_eq!(
        meanings,
        [
            &Value::Null,
            &json!({"kind": "taken"}),
            &Value::Null,
            &Value::Null,
            &json!({"kind": "freed"})
        ]
    );

    // Bob takes it; Alice is now told Bob holds it, and cannot reply.
    api.act(bob, id, "take").await.ok();
    let lost = api.act(alice, id, "take").await;
    lost.err(409, "conversation_taken");
    assert_eq!(lost.body["holder"]["name"], "Bob");
    api.reply(alice, id, "hi").await.err(409, "not_occupant");
    api.detail(alice, id).await.err(403, "forbidden");

    // Ending needs a subject from the list (or "I don't know") and a mood.
    api.end(bob, id, json!({"known": "Weather"}), "happy")
        .await
        .err(400, "invalid_field");
    api.end(bob, id, json!("dont_know"), "sleepy")
        .await
        .err(400, "invalid_request");
    api.end(alice, id, json!("dont_know"), "happy")
        .await
        .err(409, "not_occupant");
    let before = chrono::Utc::now();
    let ended = api
        .end(bob, id, json!({"known": "Shipping"}), "unhappy")
        .await
        .ok();
    assert_eq!(ended["state"], "archived");
    let closure = &ended["closure"];
    assert_eq!(closure["closed_by"]["name"], "Bob");
    assert_eq!(
        closure["questionnaire"]["subject"],
        json!({"known": "Shipping"})
    );
    assert_eq!(closure["questionnaire"]["mood"], "unhappy");
    let closed_at: chrono::DateTime<chrono::Utc> =
        closure["closed_at"].as_str().unwrap().parse().unwrap();
    assert!(
        (closed_at - before).num_seconds().abs() < 5,
        "closed time is now: {closed_at}"
    );

    // Archived: in Bob's archive only, out of every open list; no more actions but reopen.
    let snap = api.snapshot(bob).await;
    assert!(find(&snap, "archive", id).is_some());
    assert!(find(&snap, "mine", id).is_none() && find(&snap, "queue", id).is_none());
    assert!(find(&api.snapshot(alice).await, "archive", id).is_none());
    api.act(bob, id, "free").await.err(409, "invalid_state");
    api.reply(bob, id, "hello?").await.err(409, "invalid_state");
    api.act(alice, id, "take").await.err(409, "invalid_state");

    // The customer writes after the end: a new conversation in the queue, linked.
    let again = api
        .customer_says(&maria, "Sorry, one more question")
        .await
        .ok();
    let new_id = again["session"]["conversation_id"]
        .as_i64()
        .expect("a new conversation");
    assert_ne!(new_id, id);
    let snap = api.snapshot(alice).await;
    let row = find(&snap, "queue", new_id).expect("new conversation queued");
    assert_eq!(row["previous_conversation_id"], id);
    assert_eq!(row["unanswered"]["body"], "Sorry, one more question");
    // Its earlier conversation is one click away, even for an agent who did not close it.
    let detail = api.detail(alice, new_id).await.ok();
    assert_eq!(detail["earlier"][0]["id"], id);
    api.detail(alice, id).await.ok();
    // Writing again with the old token continues the new conversation, not a third one.
    let again2 = api.customer_says(&maria, "Are you there?").await.ok();
    assert_eq!(again2["session"]["conversation_id"], new_id);

    // Reopen: only the closer (or a supervisor); it becomes the reopener's.
    api.act(alice, id, "reopen").await.err(403, "forbidden");
    let reopened = api.act(bob, id, "reopen").await.ok();
    assert_eq!(reopened["state"], "occupied");
    assert_eq!(reopened["occupant"]["name"], "Bob");
    assert!(reopened["closure"].is_null());
    let snap = api.snapshot(bob).await;
    assert!(find(&snap, "mine", id).is_some() && find(&snap, "archive", id).is_none());
    api.act(bob, id, "reopen").await.err(409, "invalid_state");
}

#[tokio::test]
async fn spam_blocks_the_customer_everywhere_until_a_supervisor_unblocks() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));

    // Victor has an archived conversation with Bob and a new one in the queue.
    let victor = api.waiting_customer("Victor", "first").await;
    let first_id = victor.conversation;
    api.act(bob, victor.conversation, "take").await.ok();
    api.end(bob, victor.conversation, json!("dont_know"), "dont_know")
        .await
        .ok();
    let next = api.customer_says(&victor, "BUY CHEAP WATCHES").await.ok();
    let spam_id = next["session"]["conversation_id"].as_i64().unwrap();
    let victor = Customer {
        conversation: spam_id,
        token: next["session"]["token"].as_str().unwrap().into(),
    };
    assert!(find(&api.snapshot(bob).await, "archive", first_id).is_some());

    // Spam needs the conversation in the queue or one's own.
    api.act(alice, spam_id, "take").await.ok();
    api.act(bob, spam_id, "spam").await.err(409, "not_occupant");
    let reported = api.act(alice, spam_id, "spam").await.ok();
    assert_eq!(reported["state"], "spam");
    assert_eq!(reported["customer"]["blocked"], true);

    // Gone from every list, for everyone, archive included.
    for a in [alice, bob, sam] {
        let snap = api.snapshot(a).await;
        for list in ["mine", "queue", "others", "archive"] {
            assert!(find(&snap, list, spam_id).is_none(), "{list} of {}", a.name);
            assert!(
                find(&snap, list, first_id).is_none(),
                "{list} of {}",
                a.name
            );
        }
    }
    api.detail(alice, spam_id).await.err(403, "forbidden");
    api.act(alice, spam_id, "take")
        .await
        .err(409, "invalid_state");

    // Later messages are stored, hidden, and shown only to supervisors.
    let hidden = api.customer_says(&victor, "hello??? anyone").await.ok();
    assert_eq!(hidden["message"]["body"], "hello??? anyone");
    assert!(hidden["session"].is_null());
    for a in [alice, bob] {
        assert!(api.snapshot(a).await["queue"]
            .as_array()
            .unwrap()
            .is_empty());
    }
    api.get("/api/v1/blocked-customers", Some(&alice.token))
        .await
        .err(403, "forbidden");
    let blocked = api
        .get("/api/v1/blocked-customers", Some(&sam.token))
        .await
        .ok();
    let entry = &blocked["customers"][0];
    assert_eq!(entry["customer"]["name"], "Victor");
    assert_eq!(entry["blocked_by"]["name"], "Alice");
    assert_eq!(entry["hidden_messages"][0]["body"], "hello??? anyone");
    let customer_id = entry["customer"]["id"].as_i64().unwrap();

    // Unblocking: agents cannot; the supervisor can. The conversation is back in the
    // queue with what was written meanwhile, the archive back with its closer.
    let unblock = format!("/api/v1/blocked-customers/{customer_id}/unblock");
    api.post(
        &unblock,
        Some(&bob.token),
        &json!({"op_id": uuid::Uuid::new_v4()}),
    )
    .await
    .err(403, "forbidden");
    api.post(
        &unblock,
        Some(&sam.token),
        &json!({"op_id": uuid::Uuid::new_v4()}),
    )
    .await
    .ok();
    api.post(
        &unblock,
        Some(&sam.token),
        &json!({"op_id": uuid::Uuid::new_v4()}),
    )
    .await
    .err(409, "invalid_state");
    let snap = api.snapshot(bob).await;
    let row = find(&snap, "queue", spam_id).expect("back in the queue");
    assert_eq!(row["unanswered"]["body"], "hello??? anyone");
    assert!(find(&snap, "archive", first_id).is_some());
    let detail = api.detail(bob, spam_id).await.ok();
    assert!(detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["body"] == "hello??? anyone"));
    assert!(api
        .get("/api/v1/blocked-customers", Some(&sam.token))
        .await
        .ok()["customers"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn customer_sees_agent_replies_but_not_system_lines() {
    let w = World::standard().await;
    let (api, alice) = (&w.api, w.agent(0));
    let c = api.waiting_customer("Nora", "hi").await;
    api.act(alice, c.conversation, "take").await.ok();
    api.reply(alice, c.conversation, "Hello Nora").await.ok();
    let path = format!("/api/v1/customer/conversations/{}", c.conversation);
    let seen = api.get(&path, Some(&c.token)).await.ok();
    let lines: Vec<(&str, &str)> = seen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["from"].as_str().unwrap(), m["body"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, vec![("me", "hi"), ("agent", "Hello Nora")]);
    assert_eq!(seen["messages"][1]["agent_name"], "Alice");
    assert_eq!(seen["ended"], false);
    api.end(alice, c.conversation, json!("dont_know"), "happy")
        .await
        .ok();
    assert_eq!(api.get(&path, Some(&c.token)).await.ok()["ended"], true);
}
