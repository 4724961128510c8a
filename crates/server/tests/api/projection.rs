//! A client that applies the stream to its snapshot ends with the same lists as a
//! fresh snapshot, for agents and supervisors, through every kind of change.

use crate::support::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// What a client keeps: the conversations it may see, by id.
struct Projection {
    me: i64,
    supervisor: bool,
    rows: BTreeMap<i64, Value>,
}

impl Projection {
    fn from_snapshot(snap: &Value) -> Projection {
        let mut p = Projection {
            me: snap["me"]["id"].as_i64().unwrap(),
            supervisor: snap["me"]["role"] != "agent",
            rows: BTreeMap::new(),
        };
        for list in ["mine", "queue", "others", "archive"] {
            for c in snap[list].as_array().unwrap() {
                p.rows.insert(c["id"].as_i64().unwrap(), c.clone());
            }
        }
        p
    }

    fn visible(&self, c: &Value) -> bool {
        if c["customer"]["blocked"] == true {
            return false;
        }
        match c["state"].as_str().unwrap() {
            "not_assigned" => true,
            "occupied" => self.supervisor || c["occupant"]["id"] == self.me,
            "archived" => c["closure"]["closed_by"]["id"] == self.me,
            _ => false,
        }
    }

    fn apply(&mut self, event: &Value) {
        let kind = &event["kind"];
        if kind["type"] == "customer_blocked" {
            for id in kind["conversation_ids"].as_array().unwrap() {
                self.rows.remove(&id.as_i64().unwrap());
            }
            return;
        }
        let Some(c) = kind.get("conversation") else {
            return;
        };
        let id = c["id"].as_i64().unwrap();
        if self.visible(c) {
            self.rows.insert(id, c.clone());
        } else {
            self.rows.remove(&id);
        }
    }

    fn list(&self, name: &str) -> Vec<Value> {
        self.rows
            .values()
            .filter(|c| match name {
                "mine" => c["state"] == "occupied" && c["occupant"]["id"] == self.me,
                "queue" => c["state"] == "not_assigned",
                "others" => {
                    self.supervisor && c["state"] == "occupied" && c["occupant"]["id"] != self.me
                }
                _ => c["state"] == "archived",
            })
            .cloned()
            .collect()
    }
}

fn sorted(list: &Value) -> Vec<Value> {
    let mut v = list.as_array().unwrap().clone();
    v.sort_by_key(|c| c["id"].as_i64().unwrap());
    v
}

#[tokio::test]
async fn snapshot_plus_stream_equals_a_fresh_snapshot_for_everyone() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let cast = [alice, bob, sam];
    let mut clients = Vec::new();
    for a in cast {
        let snap = api.snapshot(a).await;
        let stream = Stream::open(&api.base, &a.token, snap["seq"].as_i64().unwrap()).await;
        clients.push((Projection::from_snapshot(&snap), stream));
    }

    // Every kind of change, by every role.
    let c1 = api.waiting_customer("One", "hello").await;
    let c2 = api.waiting_customer("Two", "hi").await;
    let c3 = api.waiting_customer("Three", "hey").await;
    let c4 = api.waiting_customer("Four", "yo").await;
    api.act(alice, c1.conversation, "take").await.ok();
    api.reply(alice, c1.conversation, "hello One").await.ok();
    api.act(bob, c2.conversation, "take").await.ok();
    api.act(sam, c2.conversation, "free").await.ok(); // a supervisor frees Bob's
    api.act(alice, c2.conversation, "take").await.ok();
    api.end(alice, c2.conversation, json!("dont_know"), "neutral")
        .await
        .ok();
    api.act(sam, c2.conversation, "reopen").await.ok(); // a supervisor reopens Alice's
    api.end(sam, c2.conversation, json!({"known": "Billing"}), "happy")
        .await
        .ok();
    api.act(bob, c3.conversation, "take").await.ok();
    api.end(bob, c3.conversation, json!("dont_know"), "happy")
        .await
        .ok();
    let later = api.customer_says(&c3, "back again").await.ok(); // write after end
    let c3b = later["session"]["conversation_id"].as_i64().unwrap();
    api.act(alice, c3b, "take").await.ok();
    api.act(alice, c3b, "spam").await.ok(); // blocks Three: Bob's archive loses c3
    api.customer_says(
        &Customer {
            conversation: c3b,
            token: later["session"]["token"].as_str().unwrap().into(),
        },
        "let me in",
    )
    .await
    .ok();
    api.act(bob, c4.conversation, "spam").await.ok(); // from the queue
    let blocked = api
        .get("/api/v1/blocked-customers", Some(&sam.token))
        .await
        .ok();
    let three = blocked["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["customer"]["name"] == "Three")
        .unwrap()["customer"]["id"]
        .as_i64()
        .unwrap();
    let unblock = format!("/api/v1/blocked-customers/{three}/unblock");
    api.post(
        &unblock,
        Some(&sam.token),
        &json!({"op_id": uuid::Uuid::new_v4()}),
    )
    .await
    .ok();
    api.act(bob, c1.conversation, "take")
        .await
        .err(409, "conversation_taken");
    api.act(alice, c1.conversation, "free").await.ok();

    let end = latest_seq(api, sam).await;
    for (i, (proj, stream)) in clients.iter_mut().enumerate() {
        let (events, cursor) = stream.events_until(end, Duration::from_secs(15)).await;
        assert_eq!(cursor, end);
        for e in &events {
            proj.apply(e);
        }
        let fresh = api.snapshot(cast[i]).await;
        for list in ["mine", "queue", "others", "archive"] {
            assert_eq!(
                proj.list(list),
                sorted(&fresh[list]),
                "{list} of {}",
                cast[i].name
            );
        }
    }
}

#[tokio::test]
async fn archive_paging_since_a_cursor_reports_what_left_the_archive() {
    let w = World::standard().await;
    let (api, alice) = (&w.api, w.agent(0));
    let mut ids = Vec::new();
    for name in ["P1", "P2", "P3"] {
        let c = api.waiting_customer(name, "hi").await;
        api.act(alice, c.conversation, "take").await.ok();
        api.end(alice, c.conversation, json!("dont_know"), "happy")
            .await
            .ok();
        ids.push(c.conversation);
    }
    // Two pages of two, then nothing more.
    let p1 = api
        .get("/api/v1/archive?limit=2", Some(&alice.token))
        .await
        .ok();
    assert_eq!(p1["conversations"].as_array().unwrap().len(), 2);
    assert_eq!(p1["has_more"], true);
    assert_eq!(p1["remaining"], 3, "the whole download's size");
    let p2 = api
        .get(
            &format!("/api/v1/archive?limit=2&after={}", p1["next_cursor"]),
            Some(&alice.token),
        )
        .await
        .ok();
    assert_eq!(p2["conversations"].as_array().unwrap().len(), 1);
    assert_eq!(p2["has_more"], false);
    assert_eq!(p2["remaining"], 1);
    let cursor = p2["next_cursor"].as_i64().unwrap();
    assert_eq!(p2["conversations"][0]["messages"][0]["body"], "hi");

    // One is reopened: paging since the cursor says so; ending it again brings it back.
    api.act(alice, ids[0], "reopen").await.ok();
    let since = api
        .get(
            &format!("/api/v1/archive?after={cursor}"),
            Some(&alice.token),
        )
        .await
        .ok();
    assert!(since["conversations"].as_array().unwrap().is_empty());
    assert_eq!(since["removed"][0]["conversation_id"], ids[0]);
    let cursor = since["next_cursor"].as_i64().unwrap();
    api.end(alice, ids[0], json!("dont_know"), "angry")
        .await
        .ok();
    let again = api
        .get(
            &format!("/api/v1/archive?after={cursor}"),
            Some(&alice.token),
        )
        .await
        .ok();
    assert_eq!(again["conversations"][0]["conversation"]["id"], ids[0]);
    assert!(again["removed"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn removals_older_than_the_event_log_are_purged_and_an_older_cursor_pages_afresh() {
    let w = World::new(
        &[
            ("Alice", switchboard_protocol::Role::Agent),
            ("Sam", switchboard_protocol::Role::Supervisor),
        ],
        &[],
        &[
            "--event-retention-events",
            "5",
            "--prune-interval-ms",
            "100",
        ],
    )
    .await;
    let (api, alice) = (&w.api, w.agent(0));
    let mut ids = Vec::new();
    for name in ["Q1", "Q2"] {
        let c = api.waiting_customer(name, "hi").await;
        api.act(alice, c.conversation, "take").await.ok();
        api.end(alice, c.conversation, json!("dont_know"), "happy")
            .await
            .ok();
        ids.push(c.conversation);
    }
    let first = api.get("/api/v1/archive", Some(&alice.token)).await.ok();
    let cursor = first["next_cursor"].as_i64().unwrap();
    // One leaves Alice's archive; then enough happens for the log to move on.
    api.act(alice, ids[0], "reopen").await.ok();
    let busy = api.waiting_customer("Busy", "0").await;
    for i in 1..20 {
        api.customer_says(&busy, &i.to_string()).await.ok();
    }

    // The removal goes with the events of its time (at the pruner's next
    // run, every 100 ms, slower under load), so a cursor from before it
    // cannot be answered: the client is told to page from the start.
    let mut db = w.database().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let left: i64 = {
            use sqlx::Row;
            sqlx::query("SELECT COUNT(*) FROM archive_removals")
                .fetch_one(&mut db)
                .await
                .unwrap()
                .get(0)
        };
        if left == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the removal never went with the events of its time"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    api.get(
        &format!("/api/v1/archive?after={cursor}"),
        Some(&alice.token),
    )
    .await
    .err(409, "resync_required");
    let fresh = api.get("/api/v1/archive", Some(&alice.token)).await.ok();
    let listed: Vec<i64> = fresh["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["conversation"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, [ids[1]]);
    // A cursor from after the pruning still pages since it.
    let since = api
        .get(
            &format!("/api/v1/archive?after={}", fresh["next_cursor"]),
            Some(&alice.token),
        )
        .await
        .ok();
    assert!(since["conversations"].as_array().unwrap().is_empty());
}
