//! Bad input gets `{code, message}` and changes nothing; no input gets a 500.

use crate::support::*;
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn malformed_requests_get_clear_errors_and_change_nothing() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let c = api.waiting_customer("Bad", "hello").await;
    let id = c.conversation;
    api.act(alice, id, "take").await.ok();
    let before = latest_seq(api, sam).await;
    let detail_before = api.detail(alice, id).await.ok();
    let reply = format!("/api/v1/conversations/{id}/messages");
    let t = Some(alice.token.as_str());

    // Oversized body.
    let big = json!({"op_id": Uuid::new_v4(), "body": "x".repeat(70 * 1024)});
    api.post(&reply, t, &big).await.err(400, "body_too_large");
    // Message over 10,000 characters (multi-byte, still under 64 KiB).
    let long = json!({"op_id": Uuid::new_v4(), "body": "é".repeat(10_001)});
    api.post(&reply, t, &long)
        .await
        .err(400, "message_too_long");
    // Malformed JSON, unknown fields, wrong types, missing fields, not JSON at all.
    let ct = Some("application/json");
    api.post_raw(&reply, t, ct, b"{\"op_id\": ".to_vec())
        .await
        .err(400, "invalid_request");
    api.post_raw(&reply, t, ct, vec![0xff, 0xfe, 0x00])
        .await
        .err(400, "invalid_request");
    api.post(
        &reply,
        t,
        &json!({"op_id": Uuid::new_v4(), "body": "x", "admin": true}),
    )
    .await
    .err(400, "invalid_request");
    api.post(&reply, t, &json!({"op_id": Uuid::new_v4(), "body": 42}))
        .await
        .err(400, "invalid_request");
    api.post(&reply, t, &json!({"op_id": "not-a-uuid", "body": "x"}))
        .await
        .err(400, "invalid_request");
    api.post(&reply, t, &json!({"body": "x"}))
        .await
        .err(400, "invalid_request");
    api.post(&reply, t, &json!([1, 2, 3]))
        .await
        .err(400, "invalid_request");
    api.post_raw(&reply, t, Some("text/plain"), b"{}".to_vec())
        .await
        .err(400, "invalid_request");
    api.post_raw(&reply, t, None, b"{}".to_vec())
        .await
        .err(400, "invalid_request");
    // NUL cannot be stored by every database we support.
    api.post(
        &reply,
        t,
        &json!({"op_id": Uuid::new_v4(), "body": "a\u{0}b"}),
    )
    .await
    .err(400, "invalid_field");
    // Blank messages.
    api.post(
        &reply,
        t,
        &json!({"op_id": Uuid::new_v4(), "body": "  \n "}),
    )
    .await
    .err(400, "invalid_field");
    // Bad ids and routes.
    api.post(
        "/api/v1/conversations/abc/take",
        t,
        &json!({"op_id": Uuid::new_v4()}),
    )
    .await
    .err(400, "invalid_request");
    api.post(
        "/api/v1/conversations/99999999999999999999999/take",
        t,
        &json!({"op_id": Uuid::new_v4()}),
    )
    .await
    .err(400, "invalid_request");
    api.act(alice, 123_456, "take").await.err(404, "not_found");
    api.act(alice, -1, "free").await.err(404, "not_found");
    api.get("/api/v1/nope", t).await.err(404, "not_found");
    let wrong_method = api.get(&reply, t).await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.code(), "invalid_request");
    api.get("/api/v1/archive?limit=0", t)
        .await
        .err(400, "invalid_field");
    api.get("/api/v1/archive?limit=1000", t)
        .await
        .err(400, "invalid_field");
    api.get("/api/v1/archive?after=x", t)
        .await
        .err(400, "invalid_request");
    api.get("/api/v1/archive?color=red", t)
        .await
        .err(400, "invalid_request");
    // Customer side.
    api.post(
        "/api/v1/customer/conversations",
        None,
        &json!({"name": "", "email": "a@b.c"}),
    )
    .await
    .err(400, "invalid_field");
    api.post(
        "/api/v1/customer/conversations",
        None,
        &json!({"name": "N", "email": "not an email"}),
    )
    .await
    .err(400, "invalid_field");
    api.post(
        "/api/v1/customer/conversations",
        None,
        &json!({"name": "N"}),
    )
    .await
    .err(400, "invalid_request");
    let long_name = json!({"name": "n".repeat(1001), "email": "a@b.c"});
    api.post("/api/v1/customer/conversations", None, &long_name)
        .await
        .err(400, "invalid_field");
    let cpath = format!("/api/v1/customer/conversations/{id}/messages");
    api.post(&cpath, Some(&c.token), &json!({"body": "y".repeat(10_001)}))
        .await
        .err(400, "message_too_long");
    api.post(&cpath, Some(&c.token), &json!({"body": "", "x": 1}))
        .await
        .err(400, "invalid_request");

    // Nothing changed.
    assert_eq!(latest_seq(api, sam).await, before, "no event was appended");
    assert_eq!(api.detail(alice, id).await.ok(), detail_before);

    // Exactly at the limit is fine.
    let exact = json!({"op_id": Uuid::new_v4(), "body": "é".repeat(10_000)});
    api.post(&reply, t, &exact).await.ok();
}

#[tokio::test]
async fn garbage_bodies_on_every_route_never_get_a_500() {
    let w = World::standard().await;
    let (api, alice) = (&w.api, w.agent(0));
    let c = api.waiting_customer("Fuzz", "hello").await;
    let id = c.conversation;
    let routes = [
        ("/api/v1/auth/login".to_string(), None),
        (
            format!("/api/v1/conversations/{id}/take"),
            Some(alice.token.clone()),
        ),
        (
            format!("/api/v1/conversations/{id}/messages"),
            Some(alice.token.clone()),
        ),
        (
            format!("/api/v1/conversations/{id}/end"),
            Some(alice.token.clone()),
        ),
        (
            format!("/api/v1/conversations/{id}/free"),
            Some(alice.token.clone()),
        ),
        ("/api/v1/customer/conversations".to_string(), None),
        (
            format!("/api/v1/customer/conversations/{id}/messages"),
            Some(c.token.clone()),
        ),
    ];
    let samples: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"{}".to_vec(),
        b"{\"op_id\":null}".to_vec(),
        b"{\"subject\":{\"known\":null},\"mood\":\"happy\",\"op_id\":\"00000000-0000-0000-0000-000000000000\"}".to_vec(),
        b"{\"email\":[],\"password\":{}}".to_vec(),
        b"\"\\ud800\"".to_vec(),
        vec![b'['; 10_000],
        (0..=255u8).collect(),
        br#"{"body":"\u0000"}"#.to_vec(),
    ];
    for (path, token) in &routes {
        for body in &samples {
            let r = api
                .post_raw(
                    path,
                    token.as_deref(),
                    Some("application/json"),
                    body.clone(),
                )
                .await;
            assert!(
                r.status.as_u16() < 500,
                "{path} with {:?}: {r:?}",
                String::from_utf8_lossy(body)
            );
            assert!(
                r.status.as_u16() >= 400,
                "{path} accepted garbage {:?}: {r:?}",
                String::from_utf8_lossy(body)
            );
            assert!(!r.code().is_empty(), "{path}: {r:?}");
        }
    }
}

#[tokio::test]
async fn the_public_customer_api_is_rate_limited() {
    let w = World::new(
        &[("Alice", switchboard_protocol::Role::Agent)],
        &[],
        &[
            "--customer-starts-per-minute",
            "3",
            "--customer-messages-per-minute",
            "5",
        ],
    )
    .await;
    let api = &w.api;
    let start = json!({"name": "Flood", "email": "flood@example.com"});
    let first = api
        .post("/api/v1/customer/conversations", None, &start)
        .await
        .ok();
    for _ in 0..2 {
        api.post("/api/v1/customer/conversations", None, &start)
            .await
            .ok();
    }
    api.post("/api/v1/customer/conversations", None, &start)
        .await
        .err(429, "rate_limited");
    assert_eq!(
        api.snapshot(w.agent(0)).await["queue"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let c = Customer {
        conversation: first["conversation_id"].as_i64().unwrap(),
        token: first["token"].as_str().unwrap().to_string(),
    };
    for i in 0..5 {
        api.customer_says(&c, &format!("spam {i}")).await.ok();
    }
    api.customer_says(&c, "one too many")
        .await
        .err(429, "rate_limited");
}

#[tokio::test]
async fn behind_a_trusted_proxy_limits_count_per_forwarded_client() {
    let start = |api: Api, client: &'static str| async move {
        api.post_headers(
            "/api/v1/customer/conversations",
            &[
                ("content-type", "application/json".to_string()),
                ("x-forwarded-for", format!("198.51.100.99, {client}")),
            ],
            br#"{"name": "Pat", "email": "pat@example.com"}"#.to_vec(),
        )
        .await
        .0
        .as_u16()
    };
    let limit = ["--customer-starts-per-minute", "2"];
    // The proxy is trusted: each forwarded client has its own allowance, and the
    // client-written first hop (198.51.100.99) does not count.
    let extra = [&limit[..], &["--trust-proxy", "10.0.0.0/8,127.0.0.1"]].concat();
    let w = World::new(&[("Alice", switchboard_protocol::Role::Agent)], &[], &extra).await;
    assert_eq!(start(w.api.clone(), "203.0.113.1").await, 200);
    assert_eq!(start(w.api.clone(), "203.0.113.1").await, 200);
    assert_eq!(start(w.api.clone(), "203.0.113.1").await, 429);
    assert_eq!(start(w.api.clone(), "203.0.113.2").await, 200);

    // Not trusted: the header is ignored, and everyone shares the peer's allowance.
    let w = World::new(&[("Alice", switchboard_protocol::Role::Agent)], &[], &limit).await;
    assert_eq!(start(w.api.clone(), "203.0.113.1").await, 200);
    assert_eq!(start(w.api.clone(), "203.0.113.2").await, 200);
    assert_eq!(start(w.api.clone(), "203.0.113.3").await, 429);
}

#[test]
fn a_bad_trust_proxy_value_is_refused_clearly() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard-server"))
        .args(["serve", "--trust-proxy", "10.0.0.0/99"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("neither an IP address nor a CIDR range"),
        "{stderr}"
    );
}
