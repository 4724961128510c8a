//! Canned replies: supervisors keep them (API and CLI), every agent reads them
//! in the snapshot and hears every change on the stream. Both backends.

use crate::support::*;
use serde_json::{json, Value};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

fn reply(title: &str, shortcut: &str, body: &str) -> Value {
    json!({"title": title, "shortcut": shortcut, "body": body})
}

/// The shortcuts in a list of canned replies.
fn shortcuts(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["shortcut"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn supervisors_keep_canned_replies_and_every_agent_hears_of_them() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let start = latest_seq(api, sam).await;
    let mut alice_stream = Stream::open(&api.base, &alice.token, start).await;

    let refund = api
        .post(
            "/api/v1/canned-replies",
            Some(&sam.token),
            &reply(
                "  Refund issued ",
                " Refund ",
                "Hi {customer.name}, I have refunded you. {agent.name}",
            ),
        )
        .await;
    assert_eq!(refund.status.as_u16(), 201, "{:?}", refund.body);
    let refund = refund.body;
    assert_eq!(refund["title"], "Refund issued");
    assert_eq!(refund["shortcut"], "refund");
    assert_eq!(
        refund["body"],
        "Hi {customer.name}, I have refunded you. {agent.name}"
    );
    let hello = api
        .post(
            "/api/v1/canned-replies",
            Some(&sam.token),
            &reply("Greeting", "hello", "Hello! How can I help?"),
        )
        .await;
    let hello = hello.created();

    // Every agent reads them, by shortcut, in the list and the snapshot.
    let list = api
        .get("/api/v1/canned-replies", Some(&alice.token))
        .await
        .ok();
    assert_eq!(shortcuts(&list["replies"]), ["hello", "refund"]);
    let snap = api.snapshot(alice).await;
    assert_eq!(snap["canned_replies"], list["replies"]);

    // Changed: the shortcut moves, the list stays by shortcut.
    let path = format!("/api/v1/canned-replies/{}", refund["id"]);
    let changed = api
        .put(
            &path,
            Some(&sam.token),
            &reply("Refund", "money-back", "Refunded, {customer.name}."),
        )
        .await
        .ok();
    assert_eq!(changed["id"], refund["id"]);
    assert_eq!(changed["shortcut"], "money-back");
    // Deleted.
    let gone = api
        .delete(
            &format!("/api/v1/canned-replies/{}", hello["id"]),
            Some(&sam.token),
        )
        .await;
    assert_eq!(gone.status.as_u16(), 204);
    api.delete(
        &format!("/api/v1/canned-replies/{}", hello["id"]),
        Some(&sam.token),
    )
    .await
    .err(404, "not_found");

    // Alice's stream told her each time, with the whole list as it then was.
    let end = latest_seq(api, sam).await;
    let (events, _) = alice_stream.events_until(end, WAIT).await;
    let told: Vec<Vec<String>> = events
        .iter()
        .filter(|e| e["kind"]["type"] == "canned_replies_changed")
        .map(|e| shortcuts(&e["kind"]["replies"]))
        .collect();
    assert_eq!(
        told,
        [
            vec!["refund"],
            vec!["hello", "refund"],
            vec!["hello", "money-back"],
            vec!["money-back"],
        ]
    );
    let list = api
        .get("/api/v1/canned-replies", Some(&alice.token))
        .await
        .ok();
    assert_eq!(list["replies"], json!([changed]));
}

#[tokio::test]
async fn bad_canned_replies_are_refused_and_change_nothing() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let first = api
        .post(
            "/api/v1/canned-replies",
            Some(&sam.token),
            &reply("Refund", "refund", "Refunded."),
        )
        .await;
    let first = first.created();
    let other = api
        .post(
            "/api/v1/canned-replies",
            Some(&sam.token),
            &reply("Hello", "hello", "Hello!"),
        )
        .await;
    let other = other.created();
    let before = api
        .get("/api/v1/canned-replies", Some(&sam.token))
        .await
        .ok();
    let post = |body: Value| async move {
        api.post("/api/v1/canned-replies", Some(&sam.token), &body)
            .await
    };

    // Agents may read but not change them.
    api.post(
        "/api/v1/canned-replies",
        Some(&alice.token),
        &reply("Mine", "mine", "x"),
    )
    .await
    .err(403, "forbidden");
    api.delete(
        &format!("/api/v1/canned-replies/{}", first["id"]),
        Some(&alice.token),
    )
    .await
    .err(403, "forbidden");
    // Shortcuts are unique whatever their case, on add and on change.
    post(reply("Again", "REFUND", "x"))
        .await
        .err(409, "shortcut_taken");
    api.put(
        &format!("/api/v1/canned-replies/{}", other["id"]),
        Some(&sam.token),
        &reply("Hello", "Refund", "Hello!"),
    )
    .await
    .err(409, "shortcut_taken");
    api.put(
        "/api/v1/canned-replies/999999",
        Some(&sam.token),
        &reply("X", "x", "x"),
    )
    .await
    .err(404, "not_found");
    for bad in [
        reply("", "a", "x"),
        reply("   ", "a", "x"),
        reply(&"t".repeat(101), "a", "x"),
        reply("T", "", "x"),
        reply("T", "two words", "x"),
        reply("T", "/slash", "x"),
        reply("T", "café", "x"),
        reply("T", &"s".repeat(33), "x"),
        reply("T", "a", "   "),
        reply("T", "a", "Dear {customer.email}"),
        reply("T", "a", "nul \u{0} inside"),
        json!({"title": "T", "shortcut": "a"}),
        json!({"title": "T", "shortcut": "a", "body": "x", "extra": 1}),
        json!({"title": 5, "shortcut": "a", "body": "x"}),
        json!(["T", "a", "x"]),
    ] {
        let r = post(bad.clone()).await;
        assert_eq!(r.status.as_u16(), 400, "{bad}: {:?}", r.body);
        assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    post(reply("T", "a", &"x".repeat(10_001)))
        .await
        .err(400, "message_too_long");
    let after = api
        .get("/api/v1/canned-replies", Some(&sam.token))
        .await
        .ok();
    assert_eq!(after, before);
}

#[tokio::test]
async fn the_cli_adds_lists_and_removes_canned_replies() {
    let w = World::standard().await;
    let dir = w.server.dir.clone();
    let (ok, out, err) = crate::cli::cli(
        &dir,
        &[
            "canned",
            "add",
            "--title",
            "Shipping times",
            "--shortcut",
            "Ship",
        ],
        Some("Parcels take 2-3 days, {customer.name}.\n"),
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("added /ship"), "{out}");
    let (ok, _, err) = crate::cli::cli(
        &dir,
        &["canned", "add", "--title", "Bad", "--shortcut", "bad"],
        Some("Dear {customer.phone}\n"),
    );
    assert!(!ok && err.contains("unknown placeholder"), "{err}");
    let (_, out, _) = crate::cli::cli(&dir, &["canned", "list"], None);
    assert_eq!(out.trim(), "/ship\tShipping times");
    let list = w
        .api
        .get("/api/v1/canned-replies", Some(&w.agent(0).token))
        .await
        .ok();
    assert_eq!(
        list["replies"][0]["body"],
        "Parcels take 2-3 days, {customer.name}."
    );
    let (ok, out, _) = crate::cli::cli(&dir, &["canned", "remove", "--shortcut", "/ship"], None);
    assert!(ok && out.contains("removed /ship"), "{out}");
    let (ok, _, err) = crate::cli::cli(&dir, &["canned", "remove", "--shortcut", "ship"], None);
    assert!(!ok && err.contains("no canned reply"), "{err}");
}
