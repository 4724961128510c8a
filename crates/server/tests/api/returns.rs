//! Auto-return: an occupied conversation whose customer waits too long for an
//! answer goes back to the queue, once, and its agent is told why. On both
//! backends (and with two nodes in pg_nodes.rs).

use crate::support::*;
use serde_json::Value;
use std::time::{Duration, Instant};

/// 0.02 minutes: 1.2 s.
pub const SHORT: &[&str] = &["--return-after-minutes", "0.02"];

/// Waits until the conversation's state is `state`, as Sam reads it.
pub async fn until_state(api: &Api, sam: &Agent, id: i64, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let d = api.detail(sam, id).await.ok();
        if d["conversation"]["state"] == state {
            return d;
        }
        assert!(Instant::now() < deadline, "never {state}: {d}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn returned_lines(detail: &Value) -> Vec<String> {
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["body"].as_str())
        .filter(|b| b.starts_with("Returned to the queue"))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn an_unanswered_customer_goes_back_to_the_queue_and_the_agent_hears_why() {
    let w = World::new(
        &[
            ("Alice", switchboard_protocol::Role::Agent),
            ("Bob", switchboard_protocol::Role::Agent),
            ("Sam", switchboard_protocol::Role::Supervisor),
        ],
        &[],
        SHORT,
    )
    .await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let start = latest_seq(api, sam).await;
    let mut stream = Stream::open(&api.base, &alice.token, start).await;

    // Olga is answered in time (first, so that nothing else delays her
    // answer under load): she stays.
    let olga = api.waiting_customer("Olga", "hi").await;
    api.act(alice, olga.conversation, "take").await.ok();
    api.reply(alice, olga.conversation, "With you in a moment")
        .await
        .ok();
    // Maria waits; Alice takes her and does not answer.
    let maria = api.waiting_customer("Maria", "hello?").await;
    let taken = Instant::now();
    api.act(alice, maria.conversation, "take").await.ok();

    let d = until_state(api, sam, maria.conversation, "not_assigned").await;
    assert!(
        taken.elapsed() >= Duration::from_millis(1100),
        "returned after {:?}, before the setting",
        taken.elapsed()
    );
    assert_eq!(d["conversation"]["occupant"], Value::Null);
    assert_eq!(
        d["conversation"]["unanswered"]["body"], "hello?",
        "still waiting, now in the queue"
    );
    assert_eq!(
        returned_lines(&d),
        ["Returned to the queue: no answer from Alice for 1 s"]
    );
    assert!(ids(&api.snapshot(alice).await, "queue").contains(&maria.conversation));

    // Alice's stream says it was hers and why.
    let end = latest_seq(api, sam).await;
    let (events, _) = stream.events_until(end, Duration::from_secs(20)).await;
    let ret: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"]["type"] == "conversation_returned")
        .collect();
    assert_eq!(ret.len(), 1, "{events:?}");
    assert_eq!(ret[0]["kind"]["from"]["name"], "Alice");
    assert_eq!(ret[0]["kind"]["conversation"]["id"], maria.conversation);

    // Olga, answered, stays with Alice; once she writes again unanswered, her
    // turn comes (counted from her new message).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let o = api.detail(sam, olga.conversation).await.ok();
    assert_eq!(o["conversation"]["occupant"]["name"], "Alice");
    api.customer_says(&olga, "are you there?").await.ok();
    let o = until_state(api, sam, olga.conversation, "not_assigned").await;
    assert_eq!(returned_lines(&o).len(), 1);
    // Maria was returned once only.
    let d = api.detail(sam, maria.conversation).await.ok();
    assert_eq!(returned_lines(&d).len(), 1);
}

#[tokio::test]
async fn without_the_setting_nothing_returns_and_bad_settings_are_refused() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let c = api.waiting_customer("Maria", "hello?").await;
    api.act(alice, c.conversation, "take").await.ok();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let d = api.detail(sam, c.conversation).await.ok();
    assert_eq!(d["conversation"]["state"], "occupied");

    let tmp = tempfile::tempdir().unwrap();
    for bad in ["0", "-1", "abc", "NaN", "20000"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard-server"))
            .arg("--data-dir")
            .arg(tmp.path())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .arg(format!("--return-after-minutes={bad}"))
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("return-after-minutes") || err.contains("invalid value"),
            "{bad}: {err}"
        );
    }
}
