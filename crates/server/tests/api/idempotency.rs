//! Every agent mutation carries an op id; a retry returns the stored answer and
//! changes nothing.

use crate::support::*;
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn same_op_id_twice_is_one_change_with_the_same_answer() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let c = api.waiting_customer("Iris", "hello").await;
    let id = c.conversation;

    let op = Uuid::new_v4();
    let first = api.act_op(alice, id, "take", op).await.ok();
    let seq_after_first = latest_seq(api, sam).await;
    let second = api.act_op(alice, id, "take", op).await.ok();
    assert_eq!(first, second);
    assert_eq!(
        latest_seq(api, sam).await,
        seq_after_first,
        "the retry appended no event"
    );

    let reply_op = Uuid::new_v4();
    let path = format!("/api/v1/conversations/{id}/messages");
    let body = json!({"op_id": reply_op, "body": "Hi Iris"});
    let r1 = api.post(&path, Some(&alice.token), &body).await.ok();
    let r2 = api.post(&path, Some(&alice.token), &body).await.ok();
    assert_eq!(r1, r2);
    let detail = api.detail(alice, id).await.ok();
    let replies = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["body"] == "Hi Iris")
        .count();
    assert_eq!(replies, 1, "the retried reply is stored once");

    // The same op id for a different request is refused, not silently replayed.
    let other = json!({"op_id": reply_op, "body": "something else"});
    api.post(&path, Some(&alice.token), &other)
        .await
        .err(409, "op_id_reused");

    // Op ids are per agent: Bob's request with Alice's op id is his own.
    api.act_op(bob, id, "take", op)
        .await
        .err(409, "conversation_taken");
}

#[tokio::test]
async fn a_refused_op_stays_refused_when_retried() {
    let w = World::standard().await;
    let (api, alice, bob) = (&w.api, w.agent(0), w.agent(1));
    let c = api.waiting_customer("Otto", "hi").await;
    api.act(bob, c.conversation, "take").await.ok();
    let op = Uuid::new_v4();
    let first = api.act_op(alice, c.conversation, "take", op).await;
    first.err(409, "conversation_taken");
    api.act(bob, c.conversation, "free").await.ok();
    // The conversation is free now, but the retry of the refused op gets its answer back
    // (an offline outbox must not take a conversation hours later by accident).
    let retry = api.act_op(alice, c.conversation, "take", op).await;
    assert_eq!(retry.status, first.status);
    assert_eq!(retry.body, first.body);
    let snap = api.snapshot(alice).await;
    assert!(find(&snap, "queue", c.conversation).is_some());
}

#[tokio::test]
async fn op_ids_are_kept_for_the_retention_then_forgotten() {
    // With no retention, the pruner forgets answers at once: a retry runs afresh.
    let w = World::new(
        &[("Alice", switchboard_protocol::Role::Agent)],
        &[],
        &["--op-retention-hours", "0", "--prune-interval-ms", "100"],
    )
    .await;
    let (api, alice) = (&w.api, w.agent(0));
    let c = api.waiting_customer("Late", "hi").await;
    api.act(alice, c.conversation, "take").await.ok();
    let path = format!("/api/v1/conversations/{}/messages", c.conversation);
    let body = json!({"op_id": Uuid::new_v4(), "body": "once?"});
    let first = api.post(&path, Some(&alice.token), &body).await.ok();
    // Once the pruner (every 100 ms, slower under load) has run, the same op
    // id is a new message.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let again = api.post(&path, Some(&alice.token), &body).await.ok();
        if again != first {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the op id was never forgotten"
        );
    }
    let detail = api.detail(alice, c.conversation).await.ok();
    let n = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["body"] == "once?")
        .count();
    assert_eq!(n, 2, "past the retention the op id was forgotten");
}
