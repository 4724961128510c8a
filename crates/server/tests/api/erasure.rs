//! Erasing a customer: who may, what goes (everything that names them or holds
//! their words), what stays (their conversations, anonymised, for the reports),
//! the audit row and the event. Both backends.

use crate::cli::cli;
use crate::support::*;
use serde_json::{json, Value};
use sqlx::Row;
use std::time::Duration;
use switchboard_protocol::Role;
use uuid::Uuid;

/// Words only the erased customer's conversation holds.
const SECRETS: &[&str] = &["zanzibar", "Marmot", "quentin.marmot@example.org"];

async fn erase(api: &Api, a: &Agent, customer: i64, op: Uuid) -> Reply {
    api.post(
        &format!("/api/v1/customers/{customer}/erase"),
        Some(&a.token),
        &json!({"op_id": op}),
    )
    .await
}

/// How many rows of `table` hold any of the secrets in `column`.
async fn rows_with_secrets(db: &mut sqlx::AnyConnection, table: &str, column: &str) -> i64 {
    let mut n = 0;
    for s in SECRETS {
        let q = format!("SELECT COUNT(*) FROM {table} WHERE LOWER({column}) LIKE $1");
        let row = sqlx::query(&q)
            .bind(format!("%{}%", s.to_lowercase()))
            .fetch_one(&mut *db)
            .await
            .unwrap();
        n += row.try_get::<i64, _>(0).unwrap();
    }
    n
}

/// A customer who wrote, was answered with a note beside, ended and rated.
async fn past_customer(w: &World) -> (Customer, i64) {
    let (api, alice) = (&w.api, w.agent(0));
    let c = api
        .start_customer("Quentin Marmot", "quentin.marmot@example.org")
        .await;
    api.customer_says(&c, "my zanzibar parcel is lost")
        .await
        .ok();
    api.act(alice, c.conversation, "take").await.ok();
    api.reply(
        alice,
        c.conversation,
        "Sorry about the zanzibar parcel, Quentin Marmot",
    )
    .await
    .ok();
    api.post(
        &format!("/api/v1/conversations/{}/notes", c.conversation),
        Some(&alice.token),
        &json!({"op_id": Uuid::new_v4(), "body": "Marmot calls every week about zanzibar"}),
    )
    .await
    .created();
    api.end(alice, c.conversation, json!({"known": "Billing"}), "happy")
        .await
        .ok();
    api.post(
        &format!("/api/v1/customer/conversations/{}/survey", c.conversation),
        Some(&c.token),
        &json!({"rating": 5, "comment": "zanzibar thanks you"}),
    )
    .await
    .ok();
    let detail = api.detail(alice, c.conversation).await.ok();
    let customer = detail["conversation"]["customer"]["id"].as_i64().unwrap();
    (c, customer)
}

#[tokio::test]
async fn a_supervisor_erases_a_customer_and_nothing_of_them_is_left_but_counts() {
    let w = World::new(
        &[("Alice", Role::Agent), ("Sue", Role::Supervisor)],
        &["Billing"],
        &[],
    )
    .await;
    let (api, alice, sue) = (&w.api, w.agent(0), w.agent(1));
    let (c, customer) = past_customer(&w).await;
    let other = api.waiting_customer("Olga", "an unrelated question").await;
    let before = latest_seq(api, sue).await;
    let mut stream = Stream::open(&w.server.base, &alice.token, before).await;

    // Agents may not; a supervisor may, once per op id.
    erase(api, alice, customer, Uuid::new_v4())
        .await
        .err(403, "forbidden");
    erase(api, sue, 424_242, Uuid::new_v4())
        .await
        .err(404, "not_found");
    let op = Uuid::new_v4();
    let e = erase(api, sue, customer, op).await.ok();
    assert_eq!(e["customer_id"], customer);
    assert_eq!(e["conversations"], 1);
    // The customer's line, the reply, the note and the system lines.
    assert!(e["messages"].as_u64().unwrap() >= 3, "{e}");
    assert_eq!(e["surveys"], 1);
    assert_eq!(e["tokens"], 1);
    assert!(e["events"].as_u64().unwrap() >= 5, "{e}");
    assert_eq!(
        erase(api, sue, customer, op).await.ok(),
        e,
        "a retry answers the same"
    );

    // The conversation stays in Alice's archive, anonymised and empty.
    let d = api.detail(alice, c.conversation).await.ok();
    assert_eq!(d["conversation"]["customer"]["name"], "Erased customer");
    assert_eq!(d["conversation"]["customer"]["email"], Value::Null);
    assert_eq!(d["conversation"]["state"], "archived");
    assert_eq!(d["messages"], json!([]));
    assert_eq!(d["conversation"]["survey"], Value::Null);
    // The chat page's token is gone.
    api.get(
        &format!("/api/v1/customer/conversations/{}", c.conversation),
        Some(&c.token),
    )
    .await
    .err(401, "unauthorized");
    // Every client hears it.
    let (events, _) = stream
        .events_until(before + 1, Duration::from_secs(10))
        .await;
    let erased: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"]["type"] == "customer_erased")
        .collect();
    assert_eq!(erased.len(), 1, "{events:?}");
    assert_eq!(
        erased[0]["kind"]["conversation_ids"],
        json!([c.conversation])
    );
    assert_eq!(erased[0]["kind"]["by"]["id"], sue.id);

    // No table holds their name, email or words.
    let mut db = w.database().await;
    for (table, column) in [
        ("messages", "body"),
        ("events", "payload"),
        ("customers", "name"),
        ("customers", "email"),
        ("conversations", "unanswered_body"),
        ("surveys", "comment"),
        ("sms_outbox", "body"),
    ] {
        assert_eq!(
            rows_with_secrets(&mut db, table, column).await,
            0,
            "{table}.{column}"
        );
    }
    // The audit row: who, when, how many; nothing about them.
    let audit = sqlx::query("SELECT customer_id, erased_by, conversations, messages FROM erasures")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].try_get::<i64, _>("customer_id").unwrap(), customer);
    assert_eq!(audit[0].try_get::<i64, _>("erased_by").unwrap(), sue.id);
    assert_eq!(
        audit[0].try_get::<i64, _>("messages").unwrap(),
        e["messages"].as_i64().unwrap()
    );
    // The report still counts the conversation Alice ended.
    let now = chrono::Utc::now();
    let range = format!(
        "from={}&to={}",
        (now - chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ"),
        (now + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ")
    );
    let report = api
        .get(&format!("/api/v1/reports/chat?{range}"), Some(&sue.token))
        .await
        .ok();
    assert_eq!(report["total"]["ended"], 1, "{report}");
    // Nobody else was touched.
    assert_eq!(
        api.customer_reads(&other).await["messages"][0]["body"],
        "an unrelated question"
    );
}

#[tokio::test]
async fn a_customer_with_an_open_conversation_is_not_erased_until_it_ends() {
    let w = World::new(
        &[("Alice", Role::Agent), ("Sue", Role::Supervisor)],
        &["Billing"],
        &[],
    )
    .await;
    let (api, alice, sue) = (&w.api, w.agent(0), w.agent(1));
    let c = api.waiting_customer("Waiting", "still here").await;
    let customer = api.detail(sue, c.conversation).await.ok()["conversation"]["customer"]["id"]
        .as_i64()
        .unwrap();
    let r = erase(api, sue, customer, Uuid::new_v4()).await;
    r.err(409, "invalid_state");
    // Nothing was half done.
    assert_eq!(
        api.customer_reads(&c).await["messages"][0]["body"],
        "still here"
    );
    api.act(alice, c.conversation, "take").await.ok();
    api.end(
        alice,
        c.conversation,
        json!({"known": "Billing"}),
        "neutral",
    )
    .await
    .ok();
    erase(api, sue, customer, Uuid::new_v4()).await.ok();
}

#[tokio::test]
async fn the_admin_cli_erases_by_email() {
    let w = World::new(
        &[("Alice", Role::Agent), ("Sue", Role::Supervisor)],
        &["Billing"],
        &[],
    )
    .await;
    let (c, _) = past_customer(&w).await;
    let (ok, out, err) = cli(
        &w.server.dir,
        &["customer", "erase", "--email", "Quentin.Marmot@example.org"],
        None,
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("erased customer"), "{out}");
    let d = w.api.detail(w.agent(0), c.conversation).await.ok();
    assert_eq!(d["conversation"]["customer"]["name"], "Erased customer");
    assert_eq!(d["messages"], json!([]));
    let mut db = w.database().await;
    let by: Option<i64> = sqlx::query("SELECT erased_by FROM erasures")
        .fetch_one(&mut db)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(by, None, "the audit row says: the admin CLI");
    let (ok, _, err) = cli(
        &w.server.dir,
        &["customer", "erase", "--email", "nobody@example.org"],
        None,
    );
    assert!(!ok);
    assert!(err.contains("no customer with the email"), "{err}");
}
