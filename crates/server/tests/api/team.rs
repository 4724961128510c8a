//! Team routing: transfer to a named colleague, availability, capacity, and the
//! team at a glance. Runs on both backends (the PostgreSQL pass of scripts/test).

use crate::support::*;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;
use switchboard_protocol::Role;
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(20);

/// The system lines of a conversation, oldest first.
pub async fn system_lines(api: &Api, reader: &Agent, id: i64) -> Vec<String> {
    api.detail(reader, id).await.ok()["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "system")
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect()
}

pub async fn team(api: &Api, a: &Agent) -> Value {
    api.get("/api/v1/team", Some(&a.token)).await.ok()
}

fn member(team: &Value, id: i64) -> &Value {
    team["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap()
}

async fn set_availability(api: &Api, a: &Agent, availability: &str) -> Reply {
    api.put(
        "/api/v1/me/availability",
        Some(&a.token),
        &json!({ "availability": availability }),
    )
    .await
}

/// Whether the team says `who`'s app is open, as `reader` reads it.
async fn connected(api: &Api, reader: &Agent, who: i64) -> bool {
    member(&team(api, reader).await, who)["connected"] == true
}

/// Waits until the team says `who`'s app is open (`true`) or closed.
async fn until_connected(api: &Api, reader: &Agent, who: i64, open: bool) {
    let deadline = std::time::Instant::now() + WAIT;
    while connected(api, reader, who).await != open {
        assert!(
            std::time::Instant::now() < deadline,
            "{who} never connected={open}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Opens the agent's event stream, as their app does, and waits until the
/// team counts them as connected.
pub async fn connect(api: &Api, a: &Agent) -> Stream {
    let s = Stream::open(&api.base, &a.token, 0).await;
    until_connected(api, a, a.id, true).await;
    s
}

pub async fn set_capacity(api: &Api, by: &Agent, agent: i64, capacity: Value) -> Reply {
    api.put(
        &format!("/api/v1/agents/{agent}/capacity"),
        Some(&by.token),
        &json!({ "capacity": capacity }),
    )
    .await
}

#[tokio::test]
async fn a_transfer_hands_the_conversation_to_a_named_colleague_once() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let c = api.waiting_customer("Maria", "my parcel is lost").await;
    api.act(alice, c.conversation, "take").await.ok();
    let start = latest_seq(api, sam).await;
    let mut alice_stream = Stream::open(&api.base, &alice.token, start).await;
    let mut bob_stream = Stream::open(&api.base, &bob.token, start).await;
    until_connected(api, sam, bob.id, true).await;
    until_connected(api, sam, alice.id, true).await;

    let op = Uuid::new_v4();
    let body = json!({"op_id": op, "to": bob.id, "note": "  she has the tracking number  "});
    let path = format!("/api/v1/conversations/{}/transfer", c.conversation);
    let first = api.post(&path, Some(&alice.token), &body).await.ok();
    assert_eq!(first["state"], "occupied");
    assert_eq!(first["occupant"]["id"], bob.id);
    // A retry with the same op id answers the same and changes nothing more.
    let again = api.post(&path, Some(&alice.token), &body).await.ok();
    assert_eq!(again, first);

    assert_eq!(
        system_lines(api, bob, c.conversation).await,
        [
            "Taken by Alice",
            "Transferred by Alice to Bob. Note: she has the tracking number"
        ]
    );
    let detail = api.detail(bob, c.conversation).await.ok();
    let transferred = detail["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        transferred["system"],
        json!({"kind": "transferred", "to": "Bob", "note": "she has the tracking number"})
    );
    assert_eq!(transferred["agent"]["name"], "Alice");
    assert_eq!(ids(&api.snapshot(bob).await, "mine"), [c.conversation]);
    assert!(ids(&api.snapshot(alice).await, "mine").is_empty());
    // Alice no longer may read or act on it.
    api.reply(alice, c.conversation, "hello?")
        .await
        .err(409, "not_occupant");

    // Both sides hear of it on their streams, with who, from whom, to whom and the note.
    let end = latest_seq(api, sam).await;
    for s in [&mut alice_stream, &mut bob_stream] {
        let (events, _) = s.events_until(end, WAIT).await;
        let t: Vec<&Value> = events
            .iter()
            .filter(|e| e["kind"]["type"] == "conversation_transferred")
            .collect();
        assert_eq!(t.len(), 1, "{events:?}");
        let k = &t[0]["kind"];
        assert_eq!(k["by"]["name"], "Alice");
        assert_eq!(k["from"]["id"], alice.id);
        assert_eq!(k["to"]["id"], bob.id);
        assert_eq!(k["note"], "she has the tracking number");
        assert_eq!(k["conversation"]["occupant"]["name"], "Bob");
    }

    // A supervisor may transfer someone else's conversation, without a note.
    let back = api
        .transfer(sam, c.conversation, alice.id, None, false)
        .await
        .ok();
    assert_eq!(back["occupant"]["id"], alice.id);
    assert_eq!(
        system_lines(api, sam, c.conversation).await.last().unwrap(),
        "Transferred by Sam to Alice"
    );
}

#[tokio::test]
async fn refused_transfers_say_why_and_change_nothing() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let c = api.waiting_customer("Maria", "hello").await;
    let id = c.conversation;

    // From the queue: take it first.
    api.transfer(alice, id, bob.id, None, false)
        .await
        .err(409, "not_occupant");
    api.act(alice, id, "take").await.ok();
    let before = api.detail(alice, id).await.ok();

    // To oneself, to nobody, by someone who does not hold it, with a long note.
    api.transfer(alice, id, alice.id, None, false)
        .await
        .err(409, "invalid_state");
    api.transfer(alice, id, 999_999, None, false)
        .await
        .err(404, "not_found");
    api.transfer(bob, id, bob.id, None, false)
        .await
        .err(409, "not_occupant");
    api.transfer(alice, id, bob.id, Some(&"x".repeat(1001)), false)
        .await
        .err(400, "invalid_field");
    api.transfer(alice, 424_242, bob.id, None, false)
        .await
        .err(404, "not_found");
    let no_target = api
        .post(
            &format!("/api/v1/conversations/{id}/transfer"),
            Some(&alice.token),
            &json!({"op_id": Uuid::new_v4()}),
        )
        .await;
    no_target.err(400, "invalid_request");

    // To an agent whose app is closed; away; at capacity. A supervisor may
    // override all three.
    let offline = api.transfer(alice, id, bob.id, None, false).await;
    offline.err(409, "agent_unavailable");
    assert!(offline.body["message"]
        .as_str()
        .unwrap()
        .contains("offline"));
    let _bobs_app = connect(api, bob).await;
    set_availability(api, bob, "away").await;
    let away = api.transfer(alice, id, bob.id, None, false).await;
    away.err(409, "agent_unavailable");
    assert!(away.body["message"].as_str().unwrap().contains("Bob"));
    // An agent's override means nothing.
    api.transfer(alice, id, bob.id, None, true)
        .await
        .err(409, "agent_unavailable");
    set_availability(api, bob, "available").await;
    set_capacity(api, sam, bob.id, json!(1)).await;
    let other = api.waiting_customer("Olga", "hi").await;
    api.act(bob, other.conversation, "take").await.ok();
    api.transfer(alice, id, bob.id, None, false)
        .await
        .err(409, "agent_at_capacity");
    assert_eq!(api.detail(alice, id).await.ok(), before, "nothing changed");

    let over = api
        .transfer(sam, id, bob.id, Some("urgent"), true)
        .await
        .ok();
    assert_eq!(over["occupant"]["id"], bob.id);

    // Ended, or reported as spam: no longer transferable.
    api.end(bob, id, json!({"known": "Billing"}), "happy")
        .await
        .ok();
    api.transfer(bob, id, alice.id, None, false)
        .await
        .err(409, "invalid_state");
    api.act(bob, other.conversation, "spam").await.ok();
    api.transfer(sam, other.conversation, alice.id, None, false)
        .await
        .err(409, "invalid_state");
}

#[tokio::test]
async fn capacity_refuses_a_take_beyond_it_unless_a_supervisor_overrides() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    // Only supervisors set capacities, to a sensible number or none.
    set_capacity(api, alice, alice.id, json!(5))
        .await
        .err(403, "forbidden");
    set_capacity(api, sam, alice.id, json!(0))
        .await
        .err(400, "invalid_field");
    set_capacity(api, sam, alice.id, json!(1001))
        .await
        .err(400, "invalid_field");
    set_capacity(api, sam, alice.id, json!(-1))
        .await
        .err(400, "invalid_request");
    set_capacity(api, sam, 999_999, json!(2))
        .await
        .err(404, "not_found");
    let ok = set_capacity(api, sam, alice.id, json!(2)).await;
    assert_eq!(ok.status.as_u16(), 204, "{ok:?}");

    let cs = [
        api.waiting_customer("C1", "one").await,
        api.waiting_customer("C2", "two").await,
        api.waiting_customer("C3", "three").await,
    ];
    api.act(alice, cs[0].conversation, "take").await.ok();
    api.act(alice, cs[1].conversation, "take").await.ok();
    let refused = api.act(alice, cs[2].conversation, "take").await;
    refused.err(409, "at_capacity");
    assert!(ids(&api.snapshot(alice).await, "queue").contains(&cs[2].conversation));
    // Someone else takes it; an agent's override means nothing.
    let path = format!("/api/v1/conversations/{}/take", cs[2].conversation);
    api.post(
        &path,
        Some(&alice.token),
        &json!({"op_id": Uuid::new_v4(), "override_capacity": true}),
    )
    .await
    .err(409, "at_capacity");
    api.act(bob, cs[2].conversation, "take").await.ok();

    // A supervisor at capacity may override for themselves.
    set_capacity(api, sam, sam.id, json!(1)).await;
    let d = api.waiting_customer("D", "four").await;
    let e = api.waiting_customer("E", "five").await;
    api.act(sam, d.conversation, "take").await.ok();
    api.act(sam, e.conversation, "take")
        .await
        .err(409, "at_capacity");
    let path = format!("/api/v1/conversations/{}/take", e.conversation);
    api.post(
        &path,
        Some(&sam.token),
        &json!({"op_id": Uuid::new_v4(), "override_capacity": true}),
    )
    .await
    .ok();

    // No limit again: Alice takes a third.
    set_capacity(api, sam, alice.id, Value::Null).await;
    let f = api.waiting_customer("F", "six").await;
    api.act(alice, f.conversation, "take").await.ok();
    let t = team(api, alice).await;
    assert_eq!(member(&t, alice.id)["load"], 3);
    assert_eq!(member(&t, alice.id)["capacity"], Value::Null);
    assert_eq!(member(&t, sam.id)["capacity"], 1);
}

#[tokio::test]
async fn the_team_shows_availability_load_and_waits_and_changes_are_streamed() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let t = team(api, bob).await;
    assert_eq!(t["agents"].as_array().unwrap().len(), 3);
    assert_eq!(member(&t, alice.id)["availability"], "available");
    assert_eq!(
        member(&t, alice.id)["connected"],
        false,
        "her app is not open"
    );
    assert_eq!(member(&t, alice.id)["load"], 0);
    assert_eq!(t["queue_length"], 0);
    assert_eq!(t["queue_oldest_wait_since"], Value::Null);

    let a = api.waiting_customer("Ada", "first").await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let b = api.waiting_customer("Ben", "second").await;
    let t = team(api, bob).await;
    assert_eq!(t["queue_length"], 2);
    let queue_since = t["queue_oldest_wait_since"].as_str().unwrap().to_string();
    api.act(alice, a.conversation, "take").await.ok();
    let t = team(api, bob).await;
    assert_eq!(t["queue_length"], 1);
    assert_eq!(member(&t, alice.id)["load"], 1);
    assert_eq!(
        member(&t, alice.id)["oldest_wait_since"],
        queue_since.as_str()
    );
    api.reply(alice, a.conversation, "on it").await.ok();
    assert_eq!(
        member(&team(api, bob).await, alice.id)["oldest_wait_since"],
        Value::Null
    );
    drop(b);

    let start = latest_seq(api, sam).await;
    let mut s = Stream::open(&api.base, &bob.token, start).await;
    let r = set_availability(api, alice, "away").await;
    assert_eq!(r.status.as_u16(), 204, "{r:?}");
    // Setting what already holds adds nothing.
    set_availability(api, alice, "away").await;
    set_availability(api, alice, "busy")
        .await
        .err(400, "invalid_request");
    set_capacity(api, sam, alice.id, json!(4)).await;
    let t = team(api, bob).await;
    assert_eq!(member(&t, alice.id)["availability"], "away");
    assert!(member(&t, alice.id)["availability_since"].is_string());
    let end = latest_seq(api, sam).await;
    let (events, _) = s.events_until(end, WAIT).await;
    let of = |who: i64, events: &[Value]| -> Vec<(String, Value, bool)> {
        events
            .iter()
            .filter(|e| e["kind"]["type"] == "agent_changed" && e["kind"]["agent"]["id"] == who)
            .map(|e| {
                (
                    e["kind"]["availability"].as_str().unwrap().to_string(),
                    e["kind"]["capacity"].clone(),
                    e["kind"]["connected"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        of(alice.id, &events),
        [
            ("away".to_string(), Value::Null, false),
            ("away".to_string(), json!(4), false)
        ]
    );
    assert!(of(bob.id, &events).is_empty(), "presence raises no events");

    // Alice opens her app (two windows): connected; closing one: still;
    // closing both: offline.
    let first = connect(api, alice).await;
    let second = connect(api, alice).await;
    drop(first);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(connected(api, bob, alice.id).await, "still one window open");
    drop(second);
    until_connected(api, bob, alice.id, false).await;
    let without_token = api.get("/api/v1/team", None).await;
    without_token.err(401, "unauthorized");
}

/// A thousand concurrent takes, transfers and frees of one conversation: one
/// occupant at the end, and a history that replays to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_racing_takes_transfers_and_frees_leave_one_consistent_occupant() {
    let w = World::new(
        &[
            ("Alice", Role::Agent),
            ("Bob", Role::Agent),
            ("Cleo", Role::Agent),
            ("Sam", Role::Supervisor),
        ],
        &[],
        &[],
    )
    .await;
    let api = &w.api;
    let mut apps = Vec::new();
    for a in &w.agents {
        apps.push(connect(api, a).await);
    }
    let c = api.waiting_customer("Maria", "race me").await;
    let id = c.conversation;
    let agents = w.agents.clone();
    let handles: Vec<_> = (0..1000)
        .map(|i| {
            let api = api.clone();
            let me = agents[i % agents.len()].clone();
            let to = agents[(i / agents.len()) % agents.len()].id;
            tokio::spawn(async move {
                let r = match i % 3 {
                    0 => api.act(&me, id, "take").await,
                    1 => api.transfer(&me, id, to, None, false).await,
                    _ => api.act(&me, id, "free").await,
                };
                assert!(
                    r.status.as_u16() == 200
                        || r.status.as_u16() == 400
                        || r.status.as_u16() == 409,
                    "{r:?}"
                );
                (i % 3, r.status.as_u16() == 200)
            })
        })
        .collect();
    let mut succeeded: HashMap<usize, usize> = HashMap::new();
    for h in handles {
        let (kind, ok) = h.await.unwrap();
        if ok {
            *succeeded.entry(kind).or_default() += 1;
        }
    }
    let sam = &w.agents[3];
    let detail = api.detail(sam, id).await.ok();
    // Replay the system lines: each names who holds it after.
    let names: HashMap<&str, i64> = w.agents.iter().map(|a| (a.name.as_str(), a.id)).collect();
    let mut holder: Option<i64> = None;
    let mut lines = 0;
    for m in detail["messages"].as_array().unwrap() {
        if m["author"] != "system" {
            continue;
        }
        lines += 1;
        let body = m["body"].as_str().unwrap();
        if let Some(who) = body.strip_prefix("Taken by ") {
            assert_eq!(holder, None, "taken while held: {body}");
            holder = Some(names[who]);
        } else if body.starts_with("Freed by ") {
            assert!(holder.is_some(), "freed while free");
            holder = None;
        } else if let Some(rest) = body.strip_prefix("Transferred by ") {
            let (_, to) = rest.split_once(" to ").unwrap();
            assert!(holder.is_some(), "transferred while free");
            assert_ne!(holder, Some(names[to]), "transferred to the holder");
            holder = Some(names[to]);
        } else {
            panic!("unexpected line {body}");
        }
    }
    let successes: usize = succeeded.values().sum();
    // Retries of a take by the holder answer 200 without a new line.
    assert!(lines <= successes, "{lines} lines, {successes} successes");
    assert!(
        succeeded.get(&1).copied().unwrap_or(0) > 0,
        "some transfers won: {succeeded:?}"
    );
    let conv = &detail["conversation"];
    match holder {
        Some(h) => {
            assert_eq!(conv["state"], "occupied");
            assert_eq!(conv["occupant"]["id"], h);
        }
        None => {
            assert_eq!(conv["state"], "not_assigned");
            assert_eq!(conv["occupant"], Value::Null);
        }
    }
    let t = team(api, sam).await;
    let loads: i64 = t["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["load"].as_i64().unwrap())
        .sum();
    assert_eq!(loads, i64::from(holder.is_some()));
}

/// A transfer racing the customer being reported as spam: one of them wins and
/// the other is refused, never both half-done.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_transfer_racing_a_spam_report_ends_one_way_or_the_other() {
    let w = World::standard().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(2));
    let _apps = [connect(api, bob).await, connect(api, sam).await];
    let (mut spams, mut transfers) = (0, 0);
    for round in 0..40 {
        let c = api
            .waiting_customer(&format!("Racer{round}"), "hello")
            .await;
        let id = c.conversation;
        api.act(alice, id, "take").await.ok();
        let (a, b, s) = (api.clone(), api.clone(), api.clone());
        let (al, al2, bo, sa) = (alice.clone(), alice.clone(), bob.clone(), sam.clone());
        let transfer = tokio::spawn(async move { a.transfer(&al, id, bo.id, None, false).await });
        let spam = tokio::spawn(async move { b.act(&al2, id, "spam").await });
        let rescue = tokio::spawn(async move { s.transfer(&sa, id, sa.id, None, true).await });
        let (t, sp, r) = (
            transfer.await.unwrap(),
            spam.await.unwrap(),
            rescue.await.unwrap(),
        );
        let d = api.detail(sam, id).await.ok();
        let conv = &d["conversation"];
        let lines: Vec<&str> = d["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["author"] == "system")
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        if sp.status == 200 {
            spams += 1;
            assert_eq!(conv["state"], "spam", "round {round}: {lines:?}");
            assert_eq!(conv["customer"]["blocked"], true);
            assert_eq!(
                lines.last().unwrap(),
                &"Reported as spam by Alice",
                "round {round}"
            );
            for x in [&t, &r] {
                if x.status != 200 {
                    assert_eq!(x.status.as_u16(), 409, "round {round}: {x:?}");
                }
            }
        } else {
            transfers += 1;
            assert_eq!(sp.status.as_u16(), 409, "round {round}: {sp:?}");
            assert_eq!(conv["state"], "occupied", "round {round}");
            assert_eq!(conv["customer"]["blocked"], false);
            let last = lines.last().unwrap();
            let holder = conv["occupant"]["name"].as_str().unwrap();
            assert!(
                last.ends_with(&format!("to {holder}")),
                "round {round}: {lines:?}"
            );
        }
        assert!(
            t.status == 200 || t.status.as_u16() == 409,
            "round {round}: {t:?}"
        );
    }
    assert!(spams + transfers == 40);
}
