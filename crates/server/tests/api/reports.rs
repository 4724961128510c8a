//! The chat report against a small data set whose figures are worked out by
//! hand below (times in minutes after 2026-11-02 09:00 UTC), and against real
//! actions through the API.

use crate::support::*;
use serde_json::{json, Value};
use switchboard_protocol::Role;
use switchboard_server::db::Db;

const T0: i64 = 1_793_610_000_000; // 2026-11-02T09:00:00Z
const MIN: i64 = 60_000;
pub(crate) const RANGE: &str = "from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z";

fn at(minutes: i64) -> i64 {
    T0 + minutes * MIN
}

struct Seeder {
    tx: sqlx::Transaction<'static, sqlx::Any>,
}

impl Seeder {
    async fn conversation(&mut self, n: i64, channel: &str, first_customer_at: i64) -> i64 {
        let customer: i64 = sqlx::query_scalar(
            "INSERT INTO customers (name, email, email_key, blocked, created_at) \
             VALUES ($1, $2, $2, 0, $3) RETURNING id",
        )
        .bind(format!("Customer {n}"))
        .bind(format!("c{n}@example.com"))
        .bind(first_customer_at)
        .fetch_one(&mut *self.tx)
        .await
        .unwrap();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO conversations (customer_id, state, created_at, channel, version) \
             VALUES ($1, 'not_assigned', $2, $3, 0) RETURNING id",
        )
        .bind(customer)
        .bind(first_customer_at)
        .bind(channel)
        .fetch_one(&mut *self.tx)
        .await
        .unwrap();
        self.message(id, "customer", None, first_customer_at).await;
        id
    }

    async fn message(&mut self, c: i64, author: &str, agent: Option<i64>, at: i64) {
        sqlx::query(
            "INSERT INTO messages (conversation_id, author, agent_id, body, hidden, created_at) \
             VALUES ($1, $2, $3, 'text', 0, $4)",
        )
        .bind(c)
        .bind(author)
        .bind(agent)
        .bind(at)
        .execute(&mut *self.tx)
        .await
        .unwrap();
    }

    /// An end by `agent` after occupying since `started`, with its survey.
    #[allow(clippy::too_many_arguments)]
    async fn end(
        &mut self,
        c: i64,
        agent: i64,
        started: i64,
        closed: i64,
        subject: Option<&str>,
        mood: &str,
        asked: bool,
        rating: Option<i64>,
    ) {
        let closure: i64 = sqlx::query_scalar(
            "INSERT INTO closures (conversation_id, closed_at, closed_by, subject, mood, started_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(c)
        .bind(closed)
        .bind(agent)
        .bind(subject)
        .bind(mood)
        .bind(started)
        .fetch_one(&mut *self.tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO surveys (closure_id, conversation_id, agent_id, channel, asked, requested_at, \
             rating, answered_at) VALUES ($1, $2, $3, 'web', $4, $5, $6, $7)",
        )
        .bind(closure)
        .bind(c)
        .bind(agent)
        .bind(i64::from(asked))
        .bind(closed)
        .bind(rating)
        .bind(rating.map(|_| closed + MIN))
        .execute(&mut *self.tx)
        .await
        .unwrap();
        sqlx::query(
            "UPDATE conversations SET state = 'archived', closure_id = $1, closed_at = $2, \
             closed_by = $3, subject = $4, subject_known = $5, mood = $6 WHERE id = $7",
        )
        .bind(closure)
        .bind(closed)
        .bind(agent)
        .bind(subject)
        .bind(i64::from(subject.is_some()))
        .bind(mood)
        .bind(c)
        .execute(&mut *self.tx)
        .await
        .unwrap();
    }
}

/// The data set. Alice: C1 (first reply 5 min, handled 18), C2 (3, 9), C3 (10;
/// ended twice: 19 + 30 = 49), and a reply in C6. Bob: C4 (4, 39, SMS), C5 (2, 19,
/// not asked), C6 (6, not ended), C7 (first reply before the range; 10), C8 (3, 19).
/// Sam (supervisor): C10 (1, 5). Carol: nothing. C9 ends after the range.
async fn seed_data_set(dir: &std::path::Path, alice: i64, bob: i64, sam: i64) {
    let db = Db::open(&switchboard_testkit::database_url(dir).await)
        .await
        .unwrap();
    let mut s = Seeder {
        tx: db.writer.begin().await.unwrap(),
    };
    let c1 = s.conversation(1, "web", at(0)).await;
    s.message(c1, "agent", Some(alice), at(5)).await;
    s.end(
        c1,
        alice,
        at(2),
        at(20),
        Some("Billing"),
        "happy",
        true,
        Some(5),
    )
    .await;
    let c2 = s.conversation(2, "web", at(60)).await;
    s.message(c2, "agent", Some(alice), at(63)).await;
    s.end(
        c2,
        alice,
        at(61),
        at(70),
        Some("Shipping"),
        "neutral",
        true,
        Some(3),
    )
    .await;
    let c3 = s.conversation(3, "web", at(100)).await;
    s.message(c3, "agent", Some(alice), at(110)).await;
    s.end(
        c3,
        alice,
        at(101),
        at(120),
        Some("Billing"),
        "unhappy",
        true,
        Some(2),
    )
    .await;
    // Reopened and ended again: the last questionnaire counts, both times add up.
    s.end(
        c3,
        alice,
        at(200),
        at(230),
        Some("Shipping"),
        "happy",
        true,
        None,
    )
    .await;
    let c4 = s.conversation(4, "sms", at(300)).await;
    s.message(c4, "agent", Some(bob), at(304)).await;
    s.end(c4, bob, at(301), at(340), None, "angry", true, Some(4))
        .await;
    let c5 = s.conversation(5, "sms", at(400)).await;
    s.message(c5, "agent", Some(bob), at(402)).await;
    s.end(
        c5,
        bob,
        at(401),
        at(420),
        Some("Billing"),
        "dont_know",
        false,
        None,
    )
    .await;
    let c6 = s.conversation(6, "web", at(500)).await;
    s.message(c6, "agent", Some(bob), at(506)).await;
    s.message(c6, "agent", Some(alice), at(510)).await;
    let c7 = s.conversation(7, "web", at(-3 * 24 * 60)).await;
    s.message(c7, "agent", Some(bob), at(-3 * 24 * 60 + 30))
        .await;
    s.end(
        c7,
        bob,
        at(590),
        at(600),
        Some("Billing"),
        "happy",
        true,
        None,
    )
    .await;
    let c8 = s.conversation(8, "web", at(700)).await;
    s.message(c8, "agent", Some(bob), at(703)).await;
    s.end(
        c8,
        bob,
        at(701),
        at(720),
        Some("Shipping"),
        "happy",
        true,
        Some(4),
    )
    .await;
    let c9 = s.conversation(9, "web", at(7 * 24 * 60)).await;
    s.message(c9, "agent", Some(alice), at(7 * 24 * 60 + 1))
        .await;
    s.end(
        c9,
        alice,
        at(7 * 24 * 60),
        at(7 * 24 * 60 + 2),
        Some("Billing"),
        "angry",
        true,
        Some(1),
    )
    .await;
    let c10 = s.conversation(10, "web", at(800)).await;
    s.message(c10, "agent", Some(sam), at(801)).await;
    s.end(
        c10,
        sam,
        at(800),
        at(805),
        Some("Billing"),
        "happy",
        true,
        None,
    )
    .await;
    s.tx.commit().await.unwrap();
    db.writer.close().await;
    db.reader.close().await;
}

fn line<'a>(report: &'a Value, name: &str) -> &'a Value {
    &report["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agent"]["name"] == name)
        .unwrap_or_else(|| panic!("no line for {name}: {report}"))["figures"]
}

fn assert_figures(f: &Value, want: Value) {
    for (k, v) in want.as_object().unwrap() {
        match (v.as_f64(), f[k].as_f64()) {
            (Some(a), Some(b)) if v.is_f64() => assert!((a - b).abs() < 1e-9, "{k}: {b} != {a}"),
            _ => assert_eq!(&f[k], v, "{k} in {f}"),
        }
    }
}

pub(crate) const BOB: &str = "Bob \"B\", builder";

pub(crate) async fn data_set_world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let seeded = seed(
        tmp.path(),
        &[
            ("Alice", Role::Agent),
            (BOB, Role::Agent),
            ("=Carol", Role::Agent),
            ("Sam", Role::Supervisor),
        ],
        &["Billing", "Shipping"],
    )
    .await;
    seed_data_set(tmp.path(), seeded[0].0, seeded[1].0, seeded[3].0).await;
    World::from_seeded(tmp, seeded, &[]).await
}

#[tokio::test]
async fn figures_match_the_hand_computed_data_set() {
    let w = data_set_world().await;
    let (api, alice, bob, sam) = (&w.api, w.agent(0), w.agent(1), w.agent(3));
    let all = api
        .get(&format!("/api/v1/reports/chat?{RANGE}"), Some(&sam.token))
        .await
        .ok();
    let names: Vec<&str> = all["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agent"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["=Carol", "Alice", BOB, "Sam"]);

    assert_figures(
        line(&all, "Alice"),
        json!({
            "handled": 4, "ended": 3,
            "surveys_requested": 4, "surveys_answered": 3, "response_rate": 0.75,
            "average_rating": 10.0 / 3.0, "rating_counts": [0, 1, 1, 0, 1],
            "subjects": [{"subject": "Shipping", "count": 2}, {"subject": "Billing", "count": 1}],
            "moods": [{"mood": "happy", "count": 2}, {"mood": "neutral", "count": 1}],
            "median_first_response_ms": 5 * MIN,
            "median_handling_ms": 18 * MIN,
        }),
    );
    assert_figures(
        line(&all, BOB),
        json!({
            "handled": 5, "ended": 4,
            "surveys_requested": 3, "surveys_answered": 2, "response_rate": 2.0 / 3.0,
            "average_rating": 4.0, "rating_counts": [0, 0, 0, 2, 0],
            "subjects": [
                {"subject": "Billing", "count": 2},
                {"subject": "Shipping", "count": 1},
                {"subject": null, "count": 1},
            ],
            "moods": [
                {"mood": "happy", "count": 2},
                {"mood": "angry", "count": 1},
                {"mood": "dont_know", "count": 1},
            ],
            // First replies 2, 3, 4, 6: the mean of the middle two.
            "median_first_response_ms": 3 * MIN + MIN / 2,
            // Handling 10, 19, 19, 39: a tie in the middle.
            "median_handling_ms": 19 * MIN,
        }),
    );
    assert_figures(
        line(&all, "=Carol"),
        json!({
            "handled": 0, "ended": 0, "surveys_requested": 0, "surveys_answered": 0,
            "response_rate": null, "average_rating": null, "rating_counts": [0, 0, 0, 0, 0],
            "subjects": [], "moods": [],
            "median_first_response_ms": null, "median_handling_ms": null,
        }),
    );
    assert_figures(
        line(&all, "Sam"),
        json!({
            "handled": 1, "ended": 1, "surveys_requested": 1, "surveys_answered": 0,
            "response_rate": 0.0, "average_rating": null,
            "median_first_response_ms": MIN, "median_handling_ms": 5 * MIN,
        }),
    );
    assert_figures(
        &all["total"],
        json!({
            "handled": 9, "ended": 8,
            "surveys_requested": 8, "surveys_answered": 5, "response_rate": 0.625,
            "average_rating": 3.6, "rating_counts": [0, 1, 1, 2, 1],
            "subjects": [
                {"subject": "Billing", "count": 4},
                {"subject": "Shipping", "count": 3},
                {"subject": null, "count": 1},
            ],
            "moods": [
                {"mood": "happy", "count": 5},
                {"mood": "neutral", "count": 1},
                {"mood": "angry", "count": 1},
                {"mood": "dont_know", "count": 1},
            ],
            // 1, 2, 3, 3, 4, 5, 6, 10
            "median_first_response_ms": 3 * MIN + MIN / 2,
            // 5, 9, 10, 18, 19, 19, 39, 49
            "median_handling_ms": 18 * MIN + MIN / 2,
        }),
    );

    // Agents get their own line only.
    let own = api
        .get(&format!("/api/v1/reports/chat?{RANGE}"), Some(&alice.token))
        .await
        .ok();
    assert_eq!(own["agents"].as_array().unwrap().len(), 1);
    assert_eq!(own["agents"][0]["agent"]["id"], alice.id);
    assert_eq!(own["total"], own["agents"][0]["figures"]);
    api.get(
        &format!("/api/v1/reports/chat?{RANGE}&agent_id={}", bob.id),
        Some(&alice.token),
    )
    .await
    .err(403, "forbidden");
    // Supervisors may ask for anyone.
    let bobs = api
        .get(
            &format!("/api/v1/reports/chat?{RANGE}&agent_id={}", bob.id),
            Some(&sam.token),
        )
        .await
        .ok();
    assert_eq!(bobs["agents"][0]["figures"], *line(&all, BOB));

    // A range with offsets: 2026-11-02 09:00 to 09:30 in UTC+1 is 08:00–08:30 UTC,
    // before anything happened.
    let early = api
        .get(
            "/api/v1/reports/chat?from=2026-11-02T09:00:00%2B01:00&to=2026-11-02T09:30:00%2B01:00",
            Some(&sam.token),
        )
        .await
        .ok();
    assert_eq!(early["total"]["handled"], 0);

    // Bad input.
    for (q, status, code) in [
        (
            "from=2026-11-08T00:00:00Z&to=2026-11-01T00:00:00Z",
            400,
            "invalid_field",
        ),
        (
            "from=yesterday&to=2026-11-01T00:00:00Z",
            400,
            "invalid_request",
        ),
        ("to=2026-11-01T00:00:00Z", 400, "invalid_request"),
        (&format!("{RANGE}&agent_id=999"), 404, "not_found"),
        (&format!("{RANGE}&colour=red"), 400, "invalid_request"),
    ] {
        api.get(&format!("/api/v1/reports/chat?{q}"), Some(&sam.token))
            .await
            .err(status, code);
    }
    api.get(&format!("/api/v1/reports/chat?{RANGE}"), None)
        .await
        .err(401, "unauthorized");
}

#[tokio::test]
async fn real_actions_feed_the_report() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));
    let from = chrono::Utc::now() - chrono::Duration::minutes(1);
    let c = api.waiting_customer("Mia", "Hello").await;
    let started = std::time::Instant::now();
    api.act(alice, c.conversation, "take").await.ok();
    api.reply(alice, c.conversation, "Hi Mia").await.ok();
    api.end(alice, c.conversation, json!({"known": "Billing"}), "happy")
        .await
        .ok();
    api.act(alice, c.conversation, "reopen").await.ok();
    api.end(
        alice,
        c.conversation,
        json!({"known": "Shipping"}),
        "neutral",
    )
    .await
    .ok();
    api.post(
        &format!("/api/v1/customer/conversations/{}/survey", c.conversation),
        Some(&c.token),
        &json!({"rating": 4}),
    )
    .await
    .ok();
    let elapsed = i64::try_from(started.elapsed().as_millis()).unwrap();
    let to = chrono::Utc::now() + chrono::Duration::minutes(1);
    let q = format!(
        "from={}&to={}",
        from.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
        to.format("%Y-%m-%dT%H:%M:%S%.3fZ")
    );
    let r = api
        .get(&format!("/api/v1/reports/chat?{q}"), Some(&sam.token))
        .await
        .ok();
    let f = line(&r, "Alice");
    assert_figures(
        f,
        json!({
            "handled": 1, "ended": 1, "surveys_requested": 2, "surveys_answered": 1,
            "rating_counts": [0, 0, 0, 1, 0],
            "subjects": [{"subject": "Shipping", "count": 1}],
            "moods": [{"mood": "neutral", "count": 1}],
        }),
    );
    let first = f["median_first_response_ms"].as_i64().unwrap();
    let handling = f["median_handling_ms"].as_i64().unwrap();
    assert!((0..=elapsed).contains(&first), "{first} vs {elapsed}");
    assert!((0..=elapsed).contains(&handling), "{handling} vs {elapsed}");
    assert_eq!(line(&r, "Bob")["handled"], 0);
}
