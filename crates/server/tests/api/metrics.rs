//! GET /metrics: scraped and parsed with a Prometheus text-format parser, the
//! values move with real actions; guarded by a token, or served on a private
//! address only.

use crate::support::*;
use prometheus_parse::{Scrape, Value as Metric};
use serde_json::json;
use std::time::Duration;

const TOKEN: &str = "metrics-secret-0123456789";

async fn scrape_at(url: &str, token: Option<&str>) -> (u16, String, String) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, ct, resp.text().await.unwrap())
}

fn parse(text: &str) -> Scrape {
    Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("Prometheus text format")
}

/// The value of a counter, gauge or `_count`/`_sum` sample with these labels.
fn value(s: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    s.samples
        .iter()
        .filter(|x| x.metric == name)
        .filter(|x| labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v)))
        .map(|x| match x.value {
            Metric::Counter(v) | Metric::Gauge(v) | Metric::Untyped(v) => v,
            _ => panic!("{name} is a histogram: ask for its _count"),
        })
        .sum()
}

async fn scrape(w: &World) -> Scrape {
    let (status, ct, text) = scrape_at(&format!("{}/metrics", w.api.base), Some(TOKEN)).await;
    assert_eq!(status, 200, "{text}");
    assert!(ct.starts_with("text/plain"), "{ct}");
    parse(&text)
}

#[tokio::test]
async fn metrics_move_with_real_actions_and_need_the_token() {
    let private = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let private_addr = private.local_addr().unwrap();
    drop(private);
    let listen = private_addr.to_string();
    let w = World::new(
        &[
            ("Alice", switchboard_protocol::Role::Agent),
            ("Sam", switchboard_protocol::Role::Supervisor),
        ],
        &["Billing"],
        &["--metrics-token", TOKEN, "--metrics-listen", &listen],
    )
    .await;
    let (api, alice) = (&w.api, w.agent(0));

    // Guarded: no token, an agent's token, a wrong one.
    let url = format!("{}/metrics", api.base);
    assert_eq!(scrape_at(&url, None).await.0, 401);
    assert_eq!(scrape_at(&url, Some(&alice.token)).await.0, 401);
    let (status, _, body) = scrape_at(&url, Some("metrics-secret-wrong")).await;
    assert_eq!(status, 401);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["code"],
        "unauthorized"
    );

    let before = scrape(&w).await;
    assert_eq!(value(&before, "switchboard_queue_length", &[]), 0.0);
    assert_eq!(
        value(
            &before,
            "switchboard_conversations",
            &[("state", "occupied")]
        ),
        0.0
    );

    // A customer waits: the queue grows and its longest wait shows.
    let c = api.waiting_customer("Maria", "hello?").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let s = scrape(&w).await;
    assert_eq!(value(&s, "switchboard_queue_length", &[]), 1.0);
    assert!(value(&s, "switchboard_queue_longest_wait_seconds", &[]) >= 1.0);
    assert_eq!(
        value(
            &s,
            "switchboard_conversations",
            &[("state", "not_assigned")]
        ),
        1.0
    );

    // Alice, with her stream open, takes, answers and ends it.
    let mut stream = Stream::open(&api.base, &alice.token, 0).await;
    stream.frame(Duration::from_secs(5)).await;
    api.act(alice, c.conversation, "take").await.ok();
    api.reply(alice, c.conversation, "Here!").await.ok();
    api.reply(alice, c.conversation, "Anything else?")
        .await
        .ok();
    api.end(alice, c.conversation, json!({"known": "Billing"}), "happy")
        .await
        .ok();
    let s = scrape(&w).await;
    assert_eq!(value(&s, "switchboard_queue_length", &[]), 0.0);
    assert_eq!(
        value(&s, "switchboard_conversations", &[("state", "archived")]),
        1.0
    );
    assert_eq!(
        value(&s, "switchboard_streams_connected", &[("kind", "agent")]),
        1.0
    );
    assert_eq!(
        value(&s, "switchboard_first_response_seconds_count", &[]),
        1.0,
        "one first response, not two"
    );
    assert!(value(&s, "switchboard_first_response_seconds_sum", &[]) >= 1.0);
    assert_eq!(value(&s, "switchboard_handling_seconds_count", &[]), 1.0);
    let take_route = [
        ("route", "/api/v1/conversations/:id/take"),
        ("method", "POST"),
        ("status", "200"),
    ];
    assert_eq!(
        value(
            &s,
            "switchboard_http_request_duration_seconds_count",
            &take_route
        ),
        1.0
    );
    assert!(
        value(
            &s,
            "switchboard_http_request_duration_seconds_count",
            &[("route", "/api/v1/customer/conversations/:id/messages")]
        ) >= 1.0
    );
    assert!(
        value(
            &s,
            "switchboard_db_transaction_seconds_count",
            &[("kind", "agent_op")]
        ) >= 4.0
    );
    let events = value(&s, "switchboard_events_total", &[]);
    assert!(
        events > value(&before, "switchboard_events_total", &[]) + 5.0,
        "events counted: {events}"
    );
    drop(stream);
    // The server notices the closed connection on its own time.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let s = scrape(&w).await;
        if value(&s, "switchboard_streams_connected", &[("kind", "agent")]) == 0.0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the closed stream is still counted"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The private address serves it without a token, and nothing else.
    let (status, _, text) = scrape_at(&format!("http://{listen}/metrics"), None).await;
    assert_eq!(status, 200);
    assert_eq!(
        value(
            &parse(&text),
            "switchboard_conversations",
            &[("state", "archived")]
        ),
        1.0
    );
    let (status, _, _) = scrape_at(
        &format!("http://{listen}/api/v1/snapshot"),
        Some(&alice.token),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn without_a_token_metrics_are_off() {
    let w = World::standard().await;
    let (status, _, body) =
        scrape_at(&format!("{}/metrics", w.api.base), Some(&w.agent(2).token)).await;
    assert_eq!(status, 404);
    assert!(body.contains("--metrics-token"), "{body}");
}
