//! A customer's post carries a client-made id: a retry after a lost answer
//! stores it once and answers as the first time.

use crate::support::*;
use futures_util::future::join_all;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::Role;
use uuid::Uuid;

fn messages_path(c: &Customer) -> String {
    format!("/api/v1/customer/conversations/{}/messages", c.conversation)
}

/// How many of the customer's lines in `conversation` say `body`.
fn count(conversation: &Value, body: &str) -> usize {
    conversation["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["from"] == "me" && m["body"] == body)
        .count()
}

#[tokio::test]
async fn a_retried_post_is_stored_once_and_answered_as_the_first_time() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let c = api.waiting_customer("Noor", "hello").await;
    let path = messages_path(&c);

    let id = Uuid::new_v4();
    let body = json!({"body": "my order is late", "client_id": id});
    let first = api.post(&path, Some(&c.token), &body).await.ok();
    let seq = latest_seq(api, sam).await;
    let again = api.post(&path, Some(&c.token), &body).await.ok();
    assert_eq!(first, again, "the retry gets the first answer");
    assert_eq!(
        latest_seq(api, sam).await,
        seq,
        "the retry appended no event"
    );
    assert_eq!(count(&api.customer_reads(&c).await, "my order is late"), 1);

    // The same id for other words is a client's mistake, said plainly.
    api.post(
        &path,
        Some(&c.token),
        &json!({"body": "something else", "client_id": id}),
    )
    .await
    .err(409, "op_id_reused");
    // A malformed id is bad input, not a 500.
    api.post(
        &path,
        Some(&c.token),
        &json!({"body": "x", "client_id": "not-a-uuid"}),
    )
    .await
    .err(400, "invalid_request");
    // Without an id every post is a new line, as before.
    for _ in 0..2 {
        api.customer_says(&c, "twice").await.ok();
    }
    assert_eq!(count(&api.customer_reads(&c).await, "twice"), 2);

    // The id belongs to the conversation: another customer's same id is theirs.
    let other = api.waiting_customer("Otto", "hi").await;
    api.post(
        &messages_path(&other),
        Some(&other.token),
        &json!({"body": "my order is late", "client_id": id}),
    )
    .await
    .ok();
    assert_eq!(
        count(&api.customer_reads(&other).await, "my order is late"),
        1
    );

    // After the end, a post opens a new conversation; its retry lands there
    // too, with a token that reads it, and opens no third one.
    api.act(alice, c.conversation, "take").await.ok();
    api.end(alice, c.conversation, json!({"known": "Billing"}), "happy")
        .await
        .ok();
    let after = json!({"body": "one more thing", "client_id": Uuid::new_v4()});
    let first = api.post(&path, Some(&c.token), &after).await.ok();
    let again = api.post(&path, Some(&c.token), &after).await.ok();
    assert_eq!(first["message"], again["message"]);
    let (s1, s2) = (&first["session"], &again["session"]);
    assert_eq!(s1["conversation_id"], s2["conversation_id"]);
    let next = Customer {
        conversation: s2["conversation_id"].as_i64().unwrap(),
        token: s2["token"].as_str().unwrap().to_string(),
    };
    assert_ne!(next.conversation, c.conversation);
    assert_eq!(count(&api.customer_reads(&next).await, "one more thing"), 1);
    let queue = ids(&api.snapshot(alice).await, "queue");
    assert_eq!(
        queue
            .iter()
            .filter(|q| **q > c.conversation && **q != other.conversation)
            .count(),
        1,
        "one new conversation, not two: {queue:?}"
    );
}

/// One attempt at a post: the message id it was answered with, or None when no
/// answer came within `wait`.
async fn attempt_within(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    body: &Value,
    wait: Duration,
) -> Option<i64> {
    let resp = http
        .post(url)
        .bearer_auth(token)
        .json(body)
        .timeout(wait)
        .send()
        .await
        .ok()?;
    if !resp.status().is_success() {
        return None;
    }
    let v: Value = resp.json().await.ok()?;
    v["message"]["id"].as_i64()
}

async fn attempt(http: &reqwest::Client, url: &str, token: &str, body: &Value) -> Option<i64> {
    attempt_within(http, url, token, body, Duration::from_secs(10)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answers_lost_on_the_way_back_are_given_again_on_retry() {
    let w = World::new(
        &[("Alice", Role::Agent)],
        &["Billing"],
        &["--customer-messages-per-minute", "100000"],
    )
    .await;
    let api = &w.api;
    let c = api.waiting_customer("Lou", "before").await;
    let url = format!("{}{}", api.base, messages_path(&c));
    // The client gives up after 2 ms: the server, which finishes what it
    // started, stores many of these with nobody left to hear the answer.
    let posts: Vec<(String, Value)> = (0..40)
        .map(|i| {
            let body = format!("lost {i}");
            (
                body.clone(),
                json!({"body": body, "client_id": Uuid::new_v4()}),
            )
        })
        .collect();
    for (_, req) in &posts {
        attempt_within(&api.http, &url, &c.token, req, Duration::from_millis(2)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = api.customer_reads(&c).await;
    let stored: Vec<i64> = before["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["body"].as_str().unwrap().starts_with("lost "))
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert!(
        !stored.is_empty(),
        "some posts were stored without an answer"
    );
    for (body, req) in &posts {
        let id = attempt(&api.http, &url, &c.token, req).await.unwrap();
        let conv = api.customer_reads(&c).await;
        assert_eq!(count(&conv, body), 1, "{body} is stored exactly once");
        let first = before["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["body"] == body.as_str());
        if let Some(first) = first {
            assert_eq!(
                first["id"], id,
                "{body}: the retry names the stored message"
            );
        }
    }
    eprintln!(
        "{} of {} stored before any answer was heard",
        stored.len(),
        posts.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_with_posts_in_flight_then_retrying_them_all_stores_each_once() {
    let mut w = World::new(
        &[("Alice", Role::Agent)],
        &["Billing"],
        &["--customer-messages-per-minute", "100000"],
    )
    .await;
    let api = w.api.clone();
    let c = api.waiting_customer("Kim", "before").await;
    let url = format!("{}{}", api.base, messages_path(&c));
    let posts: Vec<(String, Value)> = (0..300)
        .map(|i| {
            let body = format!("line {i}");
            let req = json!({"body": body, "client_id": Uuid::new_v4()});
            (body, req)
        })
        .collect();

    // Posts go out 20 at a time (15 each, one after another); the process dies once a few dozen are answered.
    let answered = Arc::new(AtomicUsize::new(0));
    let sends = posts.chunks(15).map(|chunk| {
        let (http, url, token) = (api.http.clone(), url.clone(), c.token.clone());
        let (chunk, answered) = (chunk.to_vec(), answered.clone());
        tokio::spawn(async move {
            let mut got = Vec::new();
            for (body, req) in chunk {
                let id = attempt(&http, &url, &token, &req).await;
                if id.is_some() {
                    answered.fetch_add(1, Ordering::SeqCst);
                }
                got.push((body, id));
            }
            got
        })
    });
    let sends: Vec<_> = sends.collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while answered.load(Ordering::SeqCst) < 40 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    w.server.kill9();
    let first: HashMap<String, Option<i64>> = join_all(sends)
        .await
        .into_iter()
        .flat_map(|r| r.unwrap())
        .collect();
    let acked = first.values().filter(|id| id.is_some()).count();
    assert!(acked >= 40, "{acked} answered before the kill");
    assert!(
        acked < posts.len(),
        "the kill came while posts were in flight"
    );

    w.server.restart();
    let api = Api::new(&w.server.base);
    let stored_unanswered = {
        let conv = api.customer_reads(&c).await;
        first
            .iter()
            .filter(|(body, id)| id.is_none() && count(&conv, body) == 1)
            .count()
    };
    // Every post is retried, answered or not, as a client that lost track would.
    let url = format!("{}{}", api.base, messages_path(&c));
    let retries = join_all(posts.iter().map(|(body, req)| {
        let (http, url, token) = (api.http.clone(), url.clone(), c.token.clone());
        async move {
            let id = attempt(&http, &url, &token, req).await;
            (body.clone(), id.expect("the retry is answered"))
        }
    }))
    .await;
    for (body, id) in &retries {
        if let Some(first_id) = first[body] {
            assert_eq!(*id, first_id, "{body}: the retry names the first message");
        }
    }
    let conv = api.customer_reads(&c).await;
    for (body, _) in &posts {
        assert_eq!(count(&conv, body), 1, "{body} is stored exactly once");
    }
    eprintln!(
        "{acked} answered before the kill, {stored_unanswered} stored without an answer, {} posted only on retry",
        posts.len() - acked - stored_unanswered
    );
}

fn upload_url(api: &Api, c: &Customer, name: &str, client: Uuid) -> String {
    format!(
        "{}/api/v1/customer/conversations/{}/attachments?name={name}&client_id={client}",
        api.base, c.conversation
    )
}

/// How many of the customer's lines in `conversation` carry a file named `name`.
fn files_named(conversation: &Value, name: &str) -> usize {
    conversation["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["from"] == "me" && m["attachments"][0]["name"] == name)
        .count()
}

/// One upload: its status and answer, or None when no answer came within `wait`.
async fn upload_within(
    api: &Api,
    url: &str,
    token: &str,
    bytes: &[u8],
    wait: Duration,
) -> Option<(u16, Value)> {
    let resp = api
        .http
        .post(url)
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec())
        .timeout(wait)
        .send()
        .await
        .ok()?;
    let status = resp.status().as_u16();
    Some((status, resp.json().await.ok()?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_retried_upload_is_stored_once_and_answered_as_the_first_time() {
    let w = World::new(
        &[("Alice", Role::Supervisor)],
        &["Billing"],
        &["--customer-messages-per-minute", "100000"],
    )
    .await;
    let (api, alice) = (&w.api, w.agent(0));
    let c = api.waiting_customer("Ada", "hello").await;
    let wait = Duration::from_secs(10);
    let receipt = b"%PDF-1.4 the receipt".to_vec();

    let id = Uuid::new_v4();
    let url = upload_url(api, &c, "receipt.pdf", id);
    let first = upload_within(api, &url, &c.token, &receipt, wait).await;
    let seq = latest_seq(api, alice).await;
    let again = upload_within(api, &url, &c.token, &receipt, wait).await;
    let (status, first) = first.unwrap();
    assert_eq!(status, 201, "{first}");
    assert_eq!(Some((201, first)), again, "the retry gets the first answer");
    assert_eq!(
        latest_seq(api, alice).await,
        seq,
        "the retry appended no event"
    );
    assert_eq!(files_named(&api.customer_reads(&c).await, "receipt.pdf"), 1);

    // The same id with another file, or the same file under another name, is
    // a client's mistake, said plainly; nothing is stored.
    let other = upload_within(api, &url, &c.token, b"%PDF-1.4 another", wait).await;
    let (status, body) = other.unwrap();
    assert_eq!((status, body["code"].as_str()), (409, Some("op_id_reused")));
    let renamed = upload_url(api, &c, "receipt-2.pdf", id);
    let (status, body) = upload_within(api, &renamed, &c.token, &receipt, wait)
        .await
        .unwrap();
    assert_eq!((status, body["code"].as_str()), (409, Some("op_id_reused")));
    // An id a line used is not a file's.
    let line = Uuid::new_v4();
    api.post(
        &messages_path(&c),
        Some(&c.token),
        &json!({"body": "a line", "client_id": line}),
    )
    .await
    .ok();
    let (status, body) = upload_within(
        api,
        &upload_url(api, &c, "x.pdf", line),
        &c.token,
        &receipt,
        wait,
    )
    .await
    .unwrap();
    assert_eq!((status, body["code"].as_str()), (409, Some("op_id_reused")));
    // A malformed id is bad input.
    let bad = format!(
        "{}/api/v1/customer/conversations/{}/attachments?name=a.pdf&client_id=nope",
        api.base, c.conversation
    );
    let (status, body) = upload_within(api, &bad, &c.token, &receipt, wait)
        .await
        .unwrap();
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request"))
    );
    let conv = api.customer_reads(&c).await;
    assert_eq!(files_named(&conv, "receipt.pdf"), 1);
    assert_eq!(
        files_named(&conv, "receipt-2.pdf") + files_named(&conv, "x.pdf"),
        0
    );

    // Answers lost on the way back (the client gave up after 2 ms): every
    // retry names the file stored first, and each is stored once.
    let uploads: Vec<(String, Uuid, Vec<u8>)> = (0..20)
        .map(|i| {
            (
                format!("photo-{i}.png"),
                Uuid::new_v4(),
                crate::attachments::png(40 + i, 30),
            )
        })
        .collect();
    for (name, client, bytes) in &uploads {
        let url = upload_url(api, &c, name, *client);
        upload_within(api, &url, &c.token, bytes, Duration::from_millis(2)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = api.customer_reads(&c).await;
    for (name, client, bytes) in &uploads {
        let url = upload_url(api, &c, name, *client);
        let (status, answer) = upload_within(api, &url, &c.token, bytes, wait)
            .await
            .unwrap();
        assert_eq!(status, 201, "{name}: {answer}");
        let conv = api.customer_reads(&c).await;
        assert_eq!(files_named(&conv, name), 1, "{name} is stored exactly once");
        let stored = before["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["attachments"][0]["name"] == name.as_str());
        if let Some(stored) = stored {
            assert_eq!(
                stored["id"], answer["message"]["id"],
                "{name}: the retry names the stored line"
            );
        }
    }
}
