//! Team routing through the engine: a transfer queued in one agent's outbox
//! reaches the colleague's cache and notification policy; being away silences
//! the queue.

use crate::support::*;
use std::sync::{Arc, Mutex};
use switchboard_client::cache::OutboxAction;
use switchboard_client::notify::{Decision, Settings, Sink};
use switchboard_client::{Change, ConnectionState};
use switchboard_protocol::{AgentRef, Availability};

/// Records the policy's decisions.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Decision>>>);

impl Sink for Recorder {
    fn apply(&mut self, decision: &Decision) {
        self.0.lock().unwrap().push(decision.clone());
    }
}

impl Recorder {
    /// (conversation, title, body) of every notification shown.
    fn shown(&self) -> Vec<(i64, String, String)> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter_map(|d| match d {
                Decision::Show(n) => Some((n.conversation_id, n.title.clone(), n.body.clone())),
                _ => None,
            })
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_moves_the_conversation_to_the_colleague_who_is_told() {
    let w = World::new(&[]).await;
    let (alice_accounts, alice_session) = w.sign_in(0).await;
    let (bob_accounts, bob_session) = w.sign_in(1).await;
    let alice = start_engine(&alice_accounts, &alice_session);
    let mut bob = start_engine(&bob_accounts, &bob_session);
    let bob_sees = Recorder::default();
    bob.start_notifications(Box::new(bob_sees.clone()), Settings::default());
    wait_state(&alice, ConnectionState::Online).await;
    wait_state(&bob, ConnectionState::Online).await;
    let (id, _) = w.customer("Maria", "My parcel is lost").await;
    alice.take(id).unwrap();
    wait_in(&alice, "mine", id).await;
    // Bob was told of Maria waiting in the queue; now only of the transfer.
    eventually("Maria's queue notification", || {
        (!bob_sees.shown().is_empty()).then_some(())
    })
    .await;
    bob_sees.0.lock().unwrap().clear();

    let bob_ref = AgentRef {
        id: w.agents[1].0,
        name: "Bob".into(),
    };
    let me_ref = AgentRef {
        id: w.agents[0].0,
        name: "Alice".into(),
    };
    alice
        .transfer(id, me_ref, None)
        .expect_err("not to oneself");
    // The server counts Bob's app as open once his node has written it down
    // (a tenth of a second after his stream opened): transfers to him are
    // accepted from then on.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let team = w.get("/api/v1/team", w.token(2)).await;
        let open = team["agents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name"] == "Bob" && m["connected"] == true);
        if open {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "Bob never counted: {team}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let item = alice
        .transfer(
            id,
            bob_ref.clone(),
            Some("  tracking number in her first message ".into()),
        )
        .unwrap();
    assert_eq!(
        item.action,
        OutboxAction::Transfer {
            to: bob_ref,
            note: Some("tracking number in her first message".into()),
            override_capacity: false,
        }
    );
    wait_in(&bob, "mine", id).await;
    eventually("gone from Alice's conversations", || {
        let lists = alice.lists().ok()?;
        (!lists.mine.iter().any(|c| c.id == id) && alice.outbox().ok()?.is_empty()).then_some(())
    })
    .await;
    // The transfer's event brings the line; the history before it comes with
    // the fetch of a conversation met mid-way, a moment later.
    let view = eventually("Bob's copy with the whole history", || {
        let v = bob.conversation(id).ok()?;
        let has = |start: &str| v.messages.iter().any(|m| m.body.starts_with(start));
        (has("My parcel") && has("Taken by") && has("Transferred by")).then_some(v)
    })
    .await;
    let bodies: Vec<&str> = view.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        [
            "My parcel is lost",
            "Taken by Alice",
            "Transferred by Alice to Bob. Note: tracking number in her first message"
        ]
    );
    let shown = eventually("Bob's notification", || {
        let s = bob_sees.shown();
        (!s.is_empty()).then_some(s)
    })
    .await;
    assert_eq!(
        shown,
        [(
            id,
            "Maria · transferred to you".to_string(),
            "Alice: tracking number in her first message".to_string()
        )]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_away_agent_hears_nothing_of_the_queue_until_back() {
    let w = World::new(&[]).await;
    let (accounts, session) = w.sign_in(1).await;
    let mut bob = start_engine(&accounts, &session);
    let sees = Recorder::default();
    bob.start_notifications(Box::new(sees.clone()), Settings::default());
    let mut changes = bob.changes();
    wait_state(&bob, ConnectionState::Online).await;
    assert_eq!(bob.availability().unwrap(), Availability::Available);

    let set = |availability: &str| {
        w.http
            .put(format!("{}/api/v1/me/availability", w.server.base))
            .bearer_auth(w.token(1))
            .json(&serde_json::json!({ "availability": availability }))
            .send()
    };
    assert_eq!(set("away").await.unwrap().status().as_u16(), 204);
    // The app hears of it (a Change::Team after which the cache says away;
    // the snapshot's own Change::Team may come first).
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if let Ok(Change::Team) = changes.recv().await {
                if bob.availability().unwrap() == Availability::Away {
                    break;
                }
            }
        }
    })
    .await
    .expect("the app hears of it");

    let (quiet, _) = w.customer("Quentin", "anyone?").await;
    wait_in(&bob, "queue", quiet).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(sees.shown().is_empty(), "{:?}", sees.shown());

    // Back: the waiting customer is shown.
    set("available").await.unwrap();
    let shown = eventually("Quentin shown once back", || {
        let s = sees.shown();
        (!s.is_empty()).then_some(s)
    })
    .await;
    assert_eq!(shown[0].0, quiet);
    assert_eq!(bob.availability().unwrap(), Availability::Available);
}

/// Sets agent `i`'s capacity as the supervisor (agent 2) would.
async fn capacity(w: &World, i: usize, max: u32) {
    let r = w
        .http
        .put(format!(
            "{}/api/v1/agents/{}/capacity",
            w.server.base, w.agents[i].0
        ))
        .bearer_auth(w.token(2))
        .json(&serde_json::json!({ "capacity": max }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_at_capacity_is_refused_a_take_and_a_supervisor_is_not() {
    use switchboard_client::cache::OutboxStatus;
    use switchboard_client::{ClientErrorCode, ErrorCode};
    let w = World::new(&[]).await;
    capacity(&w, 0, 1).await;
    capacity(&w, 2, 1).await;
    let (alice_accounts, alice_session) = w.sign_in(0).await;
    let (sam_accounts, sam_session) = w.sign_in(2).await;
    let alice = start_engine(&alice_accounts, &alice_session);
    let sam = start_engine(&sam_accounts, &sam_session);
    wait_state(&alice, ConnectionState::Online).await;
    wait_state(&sam, ConnectionState::Online).await;
    let mut waiting = Vec::new();
    for name in ["Maria", "Olga", "Pia", "Rosa"] {
        waiting.push(w.customer(name, "hello").await.0);
    }
    for id in &waiting {
        wait_in(&alice, "queue", *id).await;
        wait_in(&sam, "queue", *id).await;
    }

    // Alice: the first take is hers, the second refused and kept with the reason.
    alice.take(waiting[0]).unwrap();
    wait_in(&alice, "mine", waiting[0]).await;
    alice.take(waiting[1]).unwrap();
    let refused = eventually("the second take refused", || {
        alice
            .outbox()
            .ok()?
            .into_iter()
            .find_map(|i| match i.status {
                OutboxStatus::Failed { code, message } if i.conversation_id == waiting[1] => {
                    Some((code, message))
                }
                _ => None,
            })
    })
    .await;
    assert_eq!(refused.0, ClientErrorCode::from(ErrorCode::AtCapacity));
    assert!(alice
        .lists()
        .unwrap()
        .queue
        .iter()
        .any(|c| c.id == waiting[1]));

    // Sam, a supervisor with the same capacity, takes two: the app passes it.
    sam.take(waiting[2]).unwrap();
    sam.take(waiting[3]).unwrap();
    wait_in(&sam, "mine", waiting[2]).await;
    wait_in(&sam, "mine", waiting[3]).await;
    eventually("Sam's outbox empty", || {
        sam.outbox().ok()?.is_empty().then_some(())
    })
    .await;
}
