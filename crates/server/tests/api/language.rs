//! A conversation's own language: the chat page says it when the chat starts
//! and when the customer chooses another; the server keeps the nearest it has,
//! agents see it, and the server's texts to that customer use it.

use crate::support::*;
use serde_json::{json, Value};
use std::time::Duration;
use switchboard_protocol::Role;

fn language_path(c: &Customer) -> String {
    format!("/api/v1/customer/conversations/{}/language", c.conversation)
}

async fn set_language(api: &Api, c: &Customer, language: &str) -> Reply {
    api.post(
        &language_path(c),
        Some(&c.token),
        &json!({ "language": language }),
    )
    .await
}

async fn start_in(api: &Api, name: &str, language: &str) -> Reply {
    api.post(
        "/api/v1/customer/conversations",
        None,
        &json!({
            "name": name,
            "email": format!("{}@example.net", name.to_lowercase()),
            "language": language,
        }),
    )
    .await
}

fn customer(session: &Value) -> Customer {
    Customer {
        conversation: session["conversation_id"].as_i64().unwrap(),
        token: session["token"].as_str().unwrap().to_string(),
    }
}

/// The conversation's language as an agent reads it (None: the field is absent).
async fn agents_see(api: &Api, agent: &Agent, id: i64) -> Option<String> {
    let d = api.detail(agent, id).await.ok();
    let c = d["conversation"].as_object().unwrap();
    c.get("language").map(|l| l.as_str().unwrap().to_string())
}

#[tokio::test]
async fn the_pages_language_is_kept_and_agents_see_it() {
    let w = World::standard().await;
    let (api, alice, sam) = (&w.api, w.agent(0), w.agent(2));

    // Started in Canadian French: kept as the French the server has.
    let c = customer(&start_in(api, "Chloé", "fr-CA").await.ok());
    api.customer_says(&c, "Bonjour").await.ok();
    assert_eq!(
        agents_see(api, alice, c.conversation).await.as_deref(),
        Some("fr")
    );
    let queue = api.snapshot(alice).await;
    assert_eq!(
        find(&queue, "queue", c.conversation).unwrap()["language"],
        "fr"
    );

    // The customer chooses English: the stored tag comes back, and every agent
    // who sees the conversation hears of it.
    let start = latest_seq(api, sam).await;
    let mut alices = Stream::open(&api.base, &alice.token, start).await;
    let r = set_language(api, &c, "en").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body, json!({"language": "en"}));
    let (events, _) = alices
        .events_until(start + 1, Duration::from_secs(10))
        .await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["kind"]["type"], "language_changed");
    assert_eq!(events[0]["kind"]["conversation"]["language"], "en");
    assert_eq!(
        agents_see(api, alice, c.conversation).await.as_deref(),
        Some("en")
    );

    // The same language again changes nothing and tells nobody.
    let before = latest_seq(api, sam).await;
    assert_eq!(set_language(api, &c, "en-GB").await.ok()["language"], "en");
    assert_eq!(latest_seq(api, sam).await, before);

    // A well-formed tag the server lacks is kept as English, never refused.
    assert_eq!(set_language(api, &c, "fr").await.ok()["language"], "fr");
    assert_eq!(set_language(api, &c, "pt-BR").await.ok()["language"], "en");
    assert_eq!(
        agents_see(api, alice, c.conversation).await.as_deref(),
        Some("en")
    );
    let pt = customer(&start_in(api, "Ana", "pt-BR").await.ok());
    assert_eq!(
        agents_see(api, alice, pt.conversation).await.as_deref(),
        Some("en")
    );

    // A chat started without one has none (the field is left out).
    let plain = api.waiting_customer("Plain", "hi").await;
    assert_eq!(agents_see(api, alice, plain.conversation).await, None);

    // After the end, a new conversation opened by writing keeps the language.
    set_language(api, &c, "fr").await.ok();
    api.act(alice, c.conversation, "take").await.ok();
    api.end(alice, c.conversation, json!("dont_know"), "happy")
        .await
        .ok();
    let next = api.customer_says(&c, "Encore moi").await.ok()["session"]["conversation_id"]
        .as_i64()
        .unwrap();
    assert_ne!(next, c.conversation);
    assert_eq!(agents_see(api, alice, next).await.as_deref(), Some("fr"));
}

#[tokio::test]
async fn a_tag_that_is_not_a_language_is_refused() {
    // Refused starts count against the address's starts too.
    let w = World::new(
        &[("Alice", Role::Agent), ("Sam", Role::Supervisor)],
        &[],
        &["--customer-starts-per-minute", "100"],
    )
    .await;
    let (api, alice) = (&w.api, w.agent(0));
    let c = api.waiting_customer("Maria", "Hello?").await;
    set_language(api, &c, "fr").await.ok();
    let too_long = format!("fr-{}", ["abcdefgh"; 4].join("-"));
    assert_eq!(too_long.len(), 38);
    for bad in [
        "",
        "french!",
        "fr_FR",
        "f",
        "fr-",
        "12",
        "en-US-u-ca-gregory",
        " fr",
        &too_long,
    ] {
        let r = set_language(api, &c, bad).await;
        r.err(400, "invalid_field");
        assert!(
            r.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{r:?}"
        );
        let r = start_in(api, "Refused", bad).await;
        r.err(400, "invalid_field");
    }
    // Not text, missing, or with fields the route does not take.
    for body in [
        json!({"language": 7}),
        json!({}),
        json!({"language": "fr", "region": "CA"}),
    ] {
        api.post(&language_path(&c), Some(&c.token), &body)
            .await
            .err(400, "invalid_request");
    }
    // Nothing changed, and no refused start opened a conversation.
    assert_eq!(
        agents_see(api, alice, c.conversation).await.as_deref(),
        Some("fr")
    );
    assert_eq!(ids(&api.snapshot(w.agent(1)).await, "queue").len(), 1);
}

#[tokio::test]
async fn only_the_conversations_token_sets_its_language() {
    let w = World::standard().await;
    let (api, alice) = (&w.api, w.agent(0));
    let a = api.waiting_customer("Ann", "mine").await;
    let b = api.waiting_customer("Ben", "his").await;
    let body = json!({"language": "fr"});
    let path = language_path(&b);
    api.post(&path, None, &body).await.err(401, "unauthorized");
    api.post(&path, Some("sbc_guess"), &body)
        .await
        .err(401, "unauthorized");
    api.post(&path, Some(&alice.token), &body)
        .await
        .err(401, "unauthorized");
    api.post(&path, Some(&a.token), &body)
        .await
        .err(403, "forbidden");
    assert_eq!(agents_see(api, alice, b.conversation).await, None);
    set_language(api, &b, "fr").await.ok();
    assert_eq!(
        agents_see(api, alice, b.conversation).await.as_deref(),
        Some("fr")
    );
}

#[tokio::test]
async fn changing_the_language_counts_against_the_customers_rate_limit() {
    let w = World::new(
        &[("Alice", Role::Agent)],
        &[],
        &["--customer-messages-per-minute", "3"],
    )
    .await;
    let api = &w.api;
    let c = api.start_customer("Flood", "flood@example.com").await;
    for tag in ["fr", "en", "fr"] {
        set_language(api, &c, tag).await.ok();
    }
    set_language(api, &c, "en").await.err(429, "rate_limited");
    api.customer_says(&c, "one too many")
        .await
        .err(429, "rate_limited");
}

#[tokio::test]
async fn refusals_speak_the_language_the_request_asks_for() {
    let w = World::standard().await;
    let (api, sam) = (&w.api, w.agent(2));
    let message = |r: Reply| {
        assert_eq!(r.status.as_u16(), 400, "{r:?}");
        assert_eq!(r.code(), "invalid_field", "{r:?}");
        r.body["message"].as_str().unwrap().to_string()
    };
    let path = "/api/v1/canned-replies";
    let blank = json!({"title": " ", "shortcut": "hi", "body": "Hello"});
    let said = |languages: &'static str| {
        let blank = blank.clone();
        async move { message(api.post_in(languages, path, Some(&sam.token), &blank).await) }
    };
    // The API's English without a header, for English and for a language the
    // server lacks; French when asked first, or after one it lacks.
    assert_eq!(
        message(api.post(path, Some(&sam.token), &blank).await),
        "title must not be blank"
    );
    assert_eq!(said("en-GB").await, "title must not be blank");
    assert_eq!(said("de-DE").await, "title must not be blank");
    assert_eq!(
        said("fr-CA,fr;q=0.9").await,
        "le titre ne doit pas être vide"
    );
    assert_eq!(
        said("de;q=1, fr;q=0.5").await,
        "le titre ne doit pas être vide"
    );
    // Variables: the shortcut's length and the placeholders.
    let placeholder = json!({"title": "Hi", "shortcut": "hi", "body": "Hi {customer.nme}"});
    assert_eq!(
        message(
            api.post_in("fr", path, Some(&sam.token), &placeholder)
                .await
        ),
        "le texte\u{a0}: variable inconnue {customer.nme}\u{a0}; utilisez {customer.name} ou {agent.name}"
    );
    assert_eq!(
        message(api.post(path, Some(&sam.token), &placeholder).await),
        "body: unknown placeholder {customer.nme}; use {customer.name} or {agent.name}"
    );
    // Nothing was saved by the refusals.
    let list = api.get(path, Some(&sam.token)).await.ok();
    assert_eq!(list["replies"].as_array().map(Vec::len), Some(0), "{list}");
    // A customer's page in French: the rating it sends.
    let c = api.waiting_customer("Élodie", "Bonjour").await;
    let rated = api
        .post_in(
            "fr",
            &format!("/api/v1/customer/conversations/{}/survey", c.conversation),
            Some(&c.token),
            &json!({"rating": 9}),
        )
        .await;
    assert_eq!(
        rated.body["message"], "la note doit être un nombre entier de 1 à 5, et non 9",
        "{rated:?}"
    );
}
