//! The SMS channel against a local stand-in for the provider: it speaks Twilio's
//! Messages API format, checks every request is well-formed, records it, and can
//! be told to fail. Webhook signatures are computed here from Twilio's documented
//! algorithm, independently of the server's code.

use crate::sms_provider::*;
use crate::support::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use switchboard_protocol::Role;

/// A server with texts on, pointed at the provider stand-in.
pub async fn world(provider: &Provider) -> World {
    world_at(provider, Some(PUBLIC)).await
}

/// The same, with the server's public address given or not.
pub async fn world_at(provider: &Provider, public: Option<&str>) -> World {
    world_with(provider, public, &[]).await
}

/// The same, with more of `serve`'s options.
async fn world_with(provider: &Provider, public: Option<&str>, more: &[&str]) -> World {
    let mut args = vec![
        "--sms-account-sid",
        SID,
        "--sms-auth-token",
        AUTH,
        "--sms-number",
        OUR_NUMBER,
        "--sms-api-url",
        &provider.base,
        "--sms-retry-base-ms",
        "50",
        "--sms-max-attempts",
        "3",
    ];
    if let Some(url) = public {
        args.extend(["--public-url", url]);
    }
    args.extend(more);
    World::new(
        &[("Alice", Role::Agent), ("Sam", Role::Supervisor)],
        &["Billing", "Shipping"],
        &args,
    )
    .await
}

/// Posts a webhook with the given parameters and signature header.
pub(crate) async fn webhook_raw(
    api: &Api,
    params: &[(&str, &str)],
    signature: Option<&str>,
) -> Reply {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let mut headers = vec![(
        "content-type",
        "application/x-www-form-urlencoded".to_string(),
    )];
    if let Some(s) = signature {
        headers.push(("x-twilio-signature", s.to_string()));
    }
    post_webhook(api, &headers, body.into_bytes()).await
}

/// The webhook answers empty TwiML on success and `{code, message}` otherwise.
async fn post_webhook(api: &Api, headers: &[(&str, String)], body: Vec<u8>) -> Reply {
    let (status, ct, text) = api.post_headers("/api/v1/sms/twilio", headers, body).await;
    if status == 200 {
        assert!(ct.starts_with("text/xml"), "{ct}");
        assert!(text.contains("<Response>"), "{text}");
        return Reply {
            status,
            body: Value::Null,
        };
    }
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("non-JSON error body with {status}: {text}"));
    Reply { status, body }
}

pub(crate) fn inbound<'a>(sid: &'a str, from: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("ToCountry", "US"),
        ("SmsMessageSid", sid),
        ("NumMedia", "0"),
        ("SmsSid", sid),
        ("SmsStatus", "received"),
        ("Body", body),
        ("To", OUR_NUMBER),
        ("NumSegments", "1"),
        ("MessageSid", sid),
        ("AccountSid", SID),
        ("From", from),
        ("ApiVersion", "2010-04-01"),
    ]
}

/// A customer's text, signed as the provider signs it.
pub async fn text(api: &Api, sid: &str, from: &str, body: &str) -> Reply {
    let r = signed_text(api, sid, from, body).await;
    assert_eq!(r.status, 200, "{r:?}");
    r
}

async fn signed_text(api: &Api, sid: &str, from: &str, body: &str) -> Reply {
    let params = inbound(sid, from, body);
    let sig = twilio_signature(AUTH, &format!("{PUBLIC}/api/v1/sms/twilio"), &params);
    webhook_raw(api, &params, Some(&sig)).await
}

pub(crate) fn bodies(detail: &Value) -> Vec<(String, String)> {
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["author"].as_str().unwrap().to_string(),
                m["body"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub(crate) async fn wait_for_line(api: &Api, a: &Agent, id: i64, needle: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let d = api.detail(a, id).await.ok();
        if bodies(&d).iter().any(|(_, b)| b.contains(needle)) {
            return d;
        }
        assert!(Instant::now() < deadline, "no line with {needle:?}: {d}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn inbound_texts_are_verified_stored_once_and_continue_the_conversation() {
    let provider = Provider::start().await;
    let w = world(&provider).await;
    let (api, sam) = (&w.api, w.agent(1));
    let from = "+15551230001";
    let params = inbound("SM0001", from, "My order is late");
    let url = format!("{PUBLIC}/api/v1/sms/twilio");

    // Unsigned, signed with another token, signed for other content: 403.
    webhook_raw(api, &params, None).await.err(403, "forbidden");
    let wrong_key = twilio_signature("not-the-token", &url, &params);
    webhook_raw(api, &params, Some(&wrong_key))
        .await
        .err(403, "forbidden");
    let mut tampered = params.clone();
    tampered[5] = ("Body", "Send me a refund");
    let original = twilio_signature(AUTH, &url, &params);
    webhook_raw(api, &tampered, Some(&original))
        .await
        .err(403, "forbidden");
    webhook_raw(api, &params, Some("%%% not base64"))
        .await
        .err(403, "forbidden");
    assert!(ids(&api.snapshot(sam).await, "queue").is_empty());

    // Signed: the text opens a conversation in the queue, answered with TwiML.
    text(api, "SM0001", from, "My order is late").await;
    let snap = api.snapshot(sam).await;
    let queue = ids(&snap, "queue");
    assert_eq!(queue.len(), 1);
    let row = find(&snap, "queue", queue[0]).unwrap();
    assert_eq!(row["channel"], "sms");
    assert_eq!(row["customer"]["phone"], from);
    assert_eq!(row["unanswered"]["body"], "My order is late");

    // The provider retries the same webhook: nothing is stored twice.
    text(api, "SM0001", from, "My order is late").await;
    // A second text continues the same conversation.
    text(api, "SM0002", from, "Order 1234").await;
    let detail = api.detail(sam, queue[0]).await.ok();
    let customer_lines: Vec<_> = bodies(&detail)
        .into_iter()
        .filter(|(a, _)| a == "customer")
        .map(|(_, b)| b)
        .collect();
    assert_eq!(customer_lines, ["My order is late", "Order 1234"]);

    // Bad input: clear 4xx with {code, message}, nothing stored.
    let sign = |p: &[(&str, &str)]| twilio_signature(AUTH, &url, p);
    let mut to_other = inbound("SM0003", from, "hi");
    to_other[6] = ("To", "+15559999999");
    webhook_raw(api, &to_other, Some(&sign(&to_other)))
        .await
        .err(404, "unknown_number");
    let bad_from = inbound("SM0004", "not-a-number", "hi");
    webhook_raw(api, &bad_from, Some(&sign(&bad_from)))
        .await
        .err(400, "invalid_field");
    let no_sid: Vec<_> = inbound("SM0005", from, "hi")
        .into_iter()
        .filter(|(k, _)| !k.ends_with("Sid"))
        .collect();
    webhook_raw(api, &no_sid, Some(&sign(&no_sid)))
        .await
        .err(400, "invalid_field");
    let mut other_account = inbound("SM0006", from, "hi");
    other_account[9] = ("AccountSid", "AC999");
    webhook_raw(api, &other_account, Some(&sign(&other_account)))
        .await
        .err(403, "forbidden");
    let json_body = post_webhook(
        api,
        &[("content-type", "application/json".into())],
        b"{\"Body\": \"hi\"}".to_vec(),
    )
    .await;
    json_body.err(400, "invalid_request");
    let huge = "x".repeat(70 * 1024);
    let big = inbound("SM0007", from, &huge);
    webhook_raw(api, &big, Some(&sign(&big)))
        .await
        .err(400, "body_too_large");
    let after = api.detail(sam, queue[0]).await.ok();
    assert_eq!(bodies(&after).len(), bodies(&detail).len());
    assert_eq!(ids(&api.snapshot(sam).await, "queue"), queue);
}

#[tokio::test]
async fn replies_are_texted_in_order_retried_and_failures_reach_the_agent() {
    let provider = Provider::start().await;
    let w = world(&provider).await;
    let (api, alice) = (&w.api, w.agent(0));
    let from = "+15551230002";
    text(api, "SM0100", from, "Hello?").await.ok();
    let id = ids(&api.snapshot(alice).await, "queue")[0];
    api.act(alice, id, "take").await.ok();

    api.reply(alice, id, "Hi, this is Alice").await.ok();
    let sent = provider.wait_sent(1).await;
    assert_eq!(
        sent[0],
        Sent {
            to: from.into(),
            from: OUR_NUMBER.into(),
            body: "Hi, this is Alice".into()
        }
    );

    // Two passing faults: the reply goes out on the third attempt, and the
    // reply after it waits its turn (texts to one number stay in order).
    provider.fail_next(&[
        (
            500,
            json!({"code": 20500, "message": "Internal Server Error"}),
        ),
        (429, json!({"code": 20429, "message": "Too Many Requests"})),
    ]);
    api.reply(alice, id, "Second").await.ok();
    api.reply(alice, id, "Third").await.ok();
    let sent = provider.wait_sent(3).await;
    let order: Vec<&str> = sent.iter().map(|s| s.body.as_str()).collect();
    assert_eq!(order, ["Hi, this is Alice", "Second", "Third"]);
    assert_eq!(provider.attempts_of("Second"), 3);

    // A final refusal is not retried and the agent is told, with the reason.
    provider.fail_next(&[(
        400,
        json!({"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400}),
    )]);
    api.reply(alice, id, "Fourth").await.ok();
    let d = wait_for_line(api, alice, id, "could not be texted").await;
    let line = bodies(&d)
        .into_iter()
        .find(|(_, b)| b.contains("could not be texted"))
        .unwrap();
    assert_eq!(line.0, "system");
    assert!(line.1.contains("21211"), "{line:?}");
    assert!(line.1.contains("not a valid phone number"), "{line:?}");
    assert_eq!(provider.attempts_of("Fourth"), 1);

    // Passing faults beyond the attempts allowed: reported, not dropped.
    let down = (503, json!({"message": "Service Unavailable"}));
    provider.fail_next(&[down.clone(), down.clone(), down]);
    api.reply(alice, id, "Fifth").await.ok();
    let d = wait_for_line(api, alice, id, "gave up after 3 attempts").await;
    assert!(bodies(&d)
        .iter()
        .any(|(_, b)| b.contains("Service Unavailable")));
    assert_eq!(provider.attempts_of("Fifth"), 3);

    // Later replies still go out.
    api.reply(alice, id, "Sixth").await.ok();
    let sent = provider.wait_sent(4).await;
    assert_eq!(sent[3].body, "Sixth");
}

#[tokio::test]
async fn the_survey_by_text_reads_ratings_clarifies_once_then_listens() {
    let provider = Provider::start().await;
    let w = world(&provider).await;
    let (api, alice) = (&w.api, w.agent(0));
    let from = "+15551230003";
    let survey_q = "How did we do? Reply with a number from 1 to 5.";

    // First conversation: rated "5 stars".
    text(api, "SM0200", from, "Where is my parcel?").await.ok();
    let first = ids(&api.snapshot(alice).await, "queue")[0];
    api.act(alice, first, "take").await.ok();
    api.end(alice, first, json!({"known": "Shipping"}), "happy")
        .await
        .ok();
    let sent = provider.wait_sent(1).await;
    assert_eq!(sent[0].body, survey_q);
    text(api, "SM0201", from, " 5 stars ").await.ok();
    let sent = provider.wait_sent(2).await;
    assert_eq!(sent[1].body, "Thank you for your feedback!");
    let d = api.detail(alice, first).await.ok();
    assert_eq!(d["conversation"]["survey"]["rating"], 5);
    assert_eq!(d["conversation"]["state"], "archived");
    // No new conversation was opened by the rating.
    assert!(ids(&api.snapshot(alice).await, "queue").is_empty());

    // Second conversation: an unclear answer gets one clarification, the next
    // unclear one becomes an ordinary message (with the first) in a new conversation.
    text(api, "SM0202", from, "One more question").await.ok();
    let second = ids(&api.snapshot(alice).await, "queue")[0];
    assert_ne!(second, first);
    api.act(alice, second, "take").await.ok();
    api.end(alice, second, json!("dont_know"), "neutral")
        .await
        .ok();
    provider.wait_sent(3).await;
    text(api, "SM0203", from, "great").await.ok();
    let sent = provider.wait_sent(4).await;
    assert!(sent[3].body.contains("number from 1"), "{:?}", sent[3]);
    assert!(ids(&api.snapshot(alice).await, "queue").is_empty());
    text(api, "SM0204", from, "Actually my invoice is wrong")
        .await
        .ok();
    let queue = ids(&api.snapshot(alice).await, "queue");
    assert_eq!(queue.len(), 1);
    let third = api.detail(alice, queue[0]).await.ok();
    let lines: Vec<_> = bodies(&third)
        .into_iter()
        .filter(|(a, _)| a == "customer")
        .map(|(_, b)| b)
        .collect();
    assert_eq!(lines, ["great", "Actually my invoice is wrong"]);
    assert_eq!(third["conversation"]["previous_conversation_id"], second);
    assert!(api.detail(alice, second).await.ok()["conversation"]["survey"].is_null());
    // Only one clarification was sent.
    assert_eq!(provider.wait_sent(4).await.len(), 4);

    // Third conversation ends; "five" counts.
    api.act(alice, queue[0], "take").await.ok();
    api.end(alice, queue[0], json!({"known": "Billing"}), "unhappy")
        .await
        .ok();
    provider.wait_sent(5).await;
    text(api, "SM0205", from, "five").await.ok();
    provider.wait_sent(6).await;
    let d = api.detail(alice, queue[0]).await.ok();
    assert_eq!(d["conversation"]["survey"]["rating"], 5);
}

#[tokio::test]
async fn texts_to_customers_speak_the_servers_language() {
    let provider = Provider::start().await;
    let w = world_with(&provider, Some(PUBLIC), &["--language", "fr"]).await;
    let (api, alice) = (&w.api, w.agent(0));
    let from = "+15551230009";
    text(api, "SM0900", from, "Où est mon colis ?").await.ok();
    let id = ids(&api.snapshot(alice).await, "queue")[0];
    survey_in_french(&provider, api, alice, id, from, ["SM0901", "SM0902"]).await;
}

/// Takes and ends texted conversation `id` (the provider has sent nothing
/// yet), answers its survey with a word, then a rating (provider message ids
/// `sids`): the question, the clarification and the thanks are all French.
async fn survey_in_french(
    provider: &Provider,
    api: &Api,
    alice: &Agent,
    id: i64,
    from: &str,
    sids: [&str; 2],
) {
    api.act(alice, id, "take").await.ok();
    api.end(alice, id, json!({"known": "Shipping"}), "happy")
        .await
        .ok();
    let sent = provider.wait_sent(1).await;
    assert_eq!(
        sent[0].body,
        "Comment nous sommes-nous débrouillés\u{a0}? Répondez par un chiffre de 1 à 5."
    );
    text(api, sids[0], from, "super").await.ok();
    let sent = provider.wait_sent(2).await;
    assert!(
        sent[1]
            .body
            .starts_with("Désolés, nous n'avons pas compris."),
        "{:?}",
        sent[1]
    );
    text(api, sids[1], from, "4").await.ok();
    let sent = provider.wait_sent(3).await;
    assert_eq!(sent[2].body, "Merci pour votre avis\u{a0}!");
}

#[tokio::test]
async fn a_conversations_own_language_wins_over_the_servers_for_its_texts() {
    // Only the chat page gives a conversation a language, and the page's
    // conversations get no texts; the rule still holds wherever both meet: a
    // conversation with a language (set here in the database) is texted in
    // it, one without in the server's (English here).
    let provider = Provider::start().await;
    let w = world(&provider).await;
    let (api, alice) = (&w.api, w.agent(0));
    let from = "+15551230010";
    text(api, "SM1000", from, "Où est mon colis ?").await.ok();
    let id = ids(&api.snapshot(alice).await, "queue")[0];
    let detail = api.detail(alice, id).await.ok();
    assert!(detail["conversation"].get("language").is_none(), "{detail}");
    let mut db = w.database().await;
    sqlx::query("UPDATE conversations SET language = 'fr' WHERE id = $1")
        .bind(id)
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(
        api.detail(alice, id).await.ok()["conversation"]["language"],
        "fr"
    );
    survey_in_french(&provider, api, alice, id, from, ["SM1001", "SM1002"]).await;

    // Another number's conversation has none: the server's English.
    let other = "+15551230011";
    text(api, "SM1003", other, "Where is my parcel?").await.ok();
    let second = ids(&api.snapshot(alice).await, "queue")[0];
    api.act(alice, second, "take").await.ok();
    api.end(alice, second, json!({"known": "Shipping"}), "happy")
        .await
        .ok();
    let sent = provider.wait_sent(4).await;
    assert_eq!(
        sent[3].body,
        "How did we do? Reply with a number from 1 to 5."
    );
}

#[test]
fn a_language_the_server_lacks_is_refused_at_start() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard-server"))
        .args(["serve", "--language", "xx"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the server has no language \"xx\" (it has en, fr)"),
        "{err}"
    );
}

#[tokio::test]
async fn stop_stops_every_text_until_start() {
    let provider = Provider::start().await;
    let w = world(&provider).await;
    let (api, alice) = (&w.api, w.agent(0));
    let from = "+15551230004";
    text(api, "SM0300", from, "Hi").await.ok();
    let id = ids(&api.snapshot(alice).await, "queue")[0];
    api.act(alice, id, "take").await.ok();
    api.reply(alice, id, "Hello!").await.ok();
    provider.wait_sent(1).await;

    text(api, "SM0301", from, "STOP").await.ok();
    let d = wait_for_line(api, alice, id, "texted STOP").await;
    assert_eq!(d["conversation"]["customer"]["sms_opted_out"], true);
    // Replies are refused with a clear reason; nothing reaches the provider.
    api.reply(alice, id, "Are you there?")
        .await
        .err(409, "customer_opted_out");
    // Ending asks no survey by text.
    api.end(alice, id, json!("dont_know"), "neutral").await.ok();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(provider.sent().len(), 1);

    // START opts back in: the next conversation's replies are texted again.
    text(api, "SM0302", from, "start").await.ok();
    text(api, "SM0303", from, "New problem").await.ok();
    let queue = ids(&api.snapshot(alice).await, "queue");
    assert_eq!(queue.len(), 1);
    api.act(alice, queue[0], "take").await.ok();
    api.reply(alice, queue[0], "Welcome back").await.ok();
    let sent = provider.wait_sent(2).await;
    assert_eq!(sent[1].body, "Welcome back");
}

#[tokio::test]
async fn a_survey_that_never_reached_the_customer_does_not_swallow_their_next_text() {
    let provider = Provider::start().await;
    let w = world(&provider).await;
    let (api, alice) = (&w.api, w.agent(0));
    let from = "+15551230005";
    text(api, "SM0400", from, "Hi").await;
    let first = ids(&api.snapshot(alice).await, "queue")[0];
    api.act(alice, first, "take").await.ok();
    // Texts carry at most 1,600 characters: a longer reply is refused up front.
    api.reply(alice, first, &"x".repeat(1601))
        .await
        .err(400, "message_too_long");
    api.reply(alice, first, &"x".repeat(1600)).await.ok();
    provider.wait_sent(1).await;

    // The survey question is refused by the provider: the agent is told, and
    // the customer's next text is an ordinary message, not an "answer".
    provider.fail_next(&[(
        400,
        json!({"code": 21614, "message": "'To' number is not a valid mobile number", "status": 400}),
    )]);
    api.end(alice, first, json!("dont_know"), "neutral")
        .await
        .ok();
    wait_for_line(api, alice, first, "survey question could not be texted").await;
    text(api, "SM0401", from, "hello again").await;
    let queue = ids(&api.snapshot(alice).await, "queue");
    assert_eq!(queue.len(), 1, "a new conversation, not a clarification");
    let d = api.detail(alice, queue[0]).await.ok();
    assert!(bodies(&d).contains(&("customer".into(), "hello again".into())));
    assert_eq!(provider.sent().len(), 1, "no clarification was texted");

    // STOP while a survey waits: the survey is over, and nothing more is texted.
    api.act(alice, queue[0], "take").await.ok();
    api.end(alice, queue[0], json!("dont_know"), "happy")
        .await
        .ok();
    let sent = provider.wait_sent(2).await;
    assert_eq!(
        sent[1].body,
        "How did we do? Reply with a number from 1 to 5."
    );
    text(api, "SM0402", from, "STOP").await;
    text(api, "SM0403", from, "5").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        provider.sent().len(),
        2,
        "no thank-you to an opted-out number"
    );
    let archived = api.detail(alice, queue[0]).await.ok();
    assert!(archived["conversation"]["survey"].is_null());
    let later = ids(&api.snapshot(alice).await, "queue");
    assert_eq!(later.len(), 1);
    let d = api.detail(alice, later[0]).await.ok();
    assert!(bodies(&d).contains(&("customer".into(), "5".into())));
}
