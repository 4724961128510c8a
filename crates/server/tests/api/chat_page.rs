//! The customers' chat page in real headless Chromium (through chromedriver),
//! against the real server: a customer chats with an agent who uses the agent
//! API, hostile text stays text, the conversation survives a reload, and the
//! star rating reaches the archive once.

use crate::blns::naughty_strings;
use crate::support::*;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use switchboard_server::http::page;
use switchboard_server::store::rules;
use switchboard_testkit::chromium;

pub(crate) async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap()
}

/// Waits until `script` returns true (20 s at most).
pub(crate) async fn until(c: &Client, what: &str, script: &str) {
    until_within(c, what, script, Duration::from_secs(20)).await;
}

/// Waits until what the page sent while the server was down has gone: its
/// retries wait up to 30 s apart (±20%, from 1 s, doubling), so a server back
/// just after a try is tried again up to 36 s later, and a server restarting
/// under the whole suite's load takes a while to answer.
pub(crate) async fn until_resent(c: &Client, what: &str, script: &str) {
    until_within(c, what, script, Duration::from_secs(75)).await;
}

async fn until_within(c: &Client, what: &str, script: &str, wait: Duration) {
    let deadline = Instant::now() + wait;
    loop {
        if js(c, script).await == Value::Bool(true) {
            return;
        }
        if Instant::now() >= deadline {
            // What the customer would see, to tell why.
            let seen = js(
                c,
                "const text = (id) => { const e = document.getElementById(id); return e ? (e.hidden ? '(hidden) ' : '') + e.textContent : null; };
                 return { status: text('status'), error: text('error'), uploading: text('uploading'),
                          lines: Array.from(document.querySelectorAll('#messages li.msg')).map(l => l.className + ': ' + l.textContent) }",
            )
            .await;
            panic!("timed out waiting for {what}; the page shows {seen:#}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Alice takes the conversation waiting first in the queue and says `reply`;
/// returns its id once the page shows the reply.
pub(crate) async fn agent_takes_and_replies(
    c: &Client,
    api: &Api,
    alice: &Agent,
    reply: &str,
) -> i64 {
    let id = api.snapshot(alice).await["queue"][0]["id"]
        .as_i64()
        .unwrap();
    api.act(alice, id, "take").await.ok();
    api.reply(alice, id, reply).await.ok();
    until(
        c,
        "the agent's reply",
        "return document.querySelectorAll('#messages li.msg.agent').length === 1",
    )
    .await;
    id
}

/// Alice ends conversation `id`; returns once the page offers the rating.
pub(crate) async fn agent_ends(c: &Client, api: &Api, alice: &Agent, id: i64) {
    api.end(alice, id, json!({"known": "Shipping"}), "happy")
        .await
        .ok();
    until(
        c,
        "the survey",
        "return !document.getElementById('survey').hidden",
    )
    .await;
}

/// Picks `stars` and sends the rating; returns once the thanks shows.
pub(crate) async fn rate(c: &Client, stars: u8) {
    c.find(Locator::Css(&format!("label[for='rating-{stars}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#survey-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        c,
        "the thanks",
        "return !document.getElementById('survey-thanks').hidden",
    )
    .await;
}

pub(crate) async fn screenshot(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("SWITCHBOARD_SCREENSHOTS") {
        // Let the messages' fade-in finish.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = c.screenshot().await.unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(std::path::Path::new(&dir).join(name), png).unwrap();
    }
}

const AGENT_BODIES: &str =
    "return Array.from(document.querySelectorAll('#messages li.msg.agent .body')).map(e => e.textContent)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and the npm fixtures (scripts/test runs it)"]
async fn a_customer_chats_with_an_agent_and_rates_the_conversation() {
    let w = World::standard().await;
    let (api, alice) = (&w.api, w.agent(0));
    let (_driver, c) = chromium::headless().await;
    c.goto(&format!("{}/chat", api.base)).await.unwrap();

    // The start form: name and email.
    let name = "Zoë <b>Ünïcode</b> \"O'Brien\"";
    chromium::fill_start(&c, name, "zoe@example.net").await;
    screenshot(&c, "chat-start.png").await;
    chromium::submit_start(&c).await;

    // The customer writes; Enter sends.
    let first = "Hello, my order <script>document.title='pwned'</script> is late";
    let message = c.find(Locator::Css("#message")).await.unwrap();
    message.send_keys(first).await.unwrap();
    message.send_keys(&Key::Enter.to_string()).await.unwrap();
    until(
        &c,
        "the message confirmed",
        "return document.querySelectorAll('#messages li.msg.me:not(.sending)').length === 1",
    )
    .await;
    assert_eq!(
        js(
            &c,
            "return document.querySelector('#messages li.msg.me .body').textContent"
        )
        .await,
        first
    );
    assert_eq!(
        js(&c, "return document.getElementById('message').value").await,
        ""
    );

    // Near the server's limit a count shows; over it, marked.
    let max = switchboard_protocol::MAX_MESSAGE_CHARS;
    assert_eq!(
        js(
            &c,
            &format!(
                "const m = document.getElementById('message'), n = document.getElementById('count');
                 m.value = 'é'.repeat({over}); m.dispatchEvent(new Event('input'));
                 const shown = !n.hidden && n.classList.contains('over')
                   && n.textContent === ({over}).toLocaleString() + ' / ' + ({max}).toLocaleString() + ' characters';
                 m.value = ''; m.dispatchEvent(new Event('input'));
                 return shown && n.hidden",
                over = max + 1
            )
        )
        .await,
        true
    );

    // The agent sees it in the queue, under the customer's name as typed.
    let snap = api.snapshot(alice).await;
    let row = &snap["queue"][0];
    assert_eq!(row["customer"]["name"], name);
    assert_eq!(row["unanswered"]["body"], first);
    let id = row["id"].as_i64().unwrap();
    api.act(alice, id, "take").await.ok();
    let reply = "Hi Zoë! <img src=x onerror=\"document.title='pwned'\"> Let me check.";
    api.reply(alice, id, reply).await.ok();

    // The reply appears without reloading, as text.
    until(
        &c,
        "the agent's reply",
        "return document.querySelectorAll('#messages li.msg.agent').length === 1",
    )
    .await;
    assert_eq!(js(&c, AGENT_BODIES).await, json!([reply]));
    assert_eq!(
        js(
            &c,
            "return document.querySelector('#messages li.msg.agent .who').textContent"
        )
        .await,
        "Alice"
    );
    // Readable on a phone: nothing wider than the screen.
    assert_eq!(
        js(
            &c,
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
        .await,
        true
    );
    screenshot(&c, "chat-conversation.png").await;

    // Every naughty string the agent can send arrives byte for byte, as text.
    let naughty: Vec<String> = naughty_strings()
        .into_iter()
        .filter(|s| !s.trim().is_empty() && !s.contains('\0'))
        .collect();
    for s in &naughty {
        api.reply(alice, id, s).await.ok();
    }
    let want = naughty.len() + 1;
    until(
        &c,
        "every naughty reply",
        &format!("return document.querySelectorAll('#messages li.msg.agent').length === {want}"),
    )
    .await;
    let shown = js(&c, AGENT_BODIES).await;
    let shown: Vec<String> = serde_json::from_value(shown).unwrap();
    assert_eq!(shown[1..], naughty[..]);
    assert_eq!(
        js(&c, "return document.querySelectorAll('#messages script, #messages img, #messages iframe, #messages svg').length").await,
        0
    );
    assert_ne!(c.title().await.unwrap(), "pwned");

    // A reload keeps the conversation.
    c.refresh().await.unwrap();
    until(
        &c,
        "the conversation after a reload",
        &format!("return document.querySelectorAll('#messages li.msg.agent').length === {want}"),
    )
    .await;

    // The agent ends it: the page offers the star rating.
    agent_ends(&c, api, alice, id).await;
    assert_eq!(
        js(&c, "return !document.getElementById('ended').hidden").await,
        true
    );
    assert_eq!(
        js(
            &c,
            "return document.getElementById('survey-submit').disabled"
        )
        .await,
        true
    );
    assert_eq!(
        js(&c, "return document.getElementById('comment').maxLength").await,
        json!(rules::MAX_COMMENT_CHARS)
    );
    c.find(Locator::Css("label[for='rating-4']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        js(&c, "return document.getElementById('rating-4').checked").await,
        true
    );
    c.find(Locator::Css("#comment"))
        .await
        .unwrap()
        .send_keys("Quick & <kind>")
        .await
        .unwrap();
    screenshot(&c, "chat-survey.png").await;
    c.find(Locator::Css("#survey-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        &c,
        "the thanks",
        "return !document.getElementById('survey-thanks').hidden",
    )
    .await;
    assert_eq!(
        js(
            &c,
            "return document.getElementById('survey-thanks').textContent"
        )
        .await,
        switchboard_i18n::tr!(switchboard_i18n::Lang::ENGLISH, "chat-survey-thanks")
    );
    let d = api.detail(alice, id).await.ok();
    assert_eq!(d["conversation"]["survey"]["rating"], 4);
    assert_eq!(d["conversation"]["survey"]["comment"], "Quick & <kind>");

    // Rating again is refused; after a reload the page shows the thanks, not the form.
    c.refresh().await.unwrap();
    until(
        &c,
        "the thanks after a reload",
        "return !document.getElementById('survey-thanks').hidden && document.getElementById('survey').hidden",
    )
    .await;

    // Writing after the end opens a new conversation linked to this one.
    let message = c.find(Locator::Css("#message")).await.unwrap();
    message.send_keys("One more thing").await.unwrap();
    c.find(Locator::Css("#send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        &c,
        "the new conversation",
        "return document.querySelectorAll('#messages li.msg.me:not(.sending)').length === 1 && document.querySelectorAll('#messages li.msg.agent').length === 0",
    )
    .await;
    let snap = api.snapshot(alice).await;
    let row = &snap["queue"][0];
    assert_eq!(row["previous_conversation_id"], id);
    assert_eq!(row["unanswered"]["body"], "One more thing");
    c.close().await.unwrap();
}

const MY_LINES: &str = "return Array.from(document.querySelectorAll('#messages li.msg.me')).map(li => [li.querySelector('.body').textContent, li.classList.contains('sending') ? li.querySelector('.note').textContent : ''])";

/// What the page shows of the customer's lines: each body, and its note while on its way.
async fn my_lines(c: &Client) -> Vec<(String, String)> {
    serde_json::from_value(js(c, MY_LINES).await).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and the npm fixtures (scripts/test runs it)"]
async fn lines_written_while_the_server_is_down_show_as_sending_and_go_once_it_is_back() {
    let mut w = World::standard().await;
    let (_driver, c) = chromium::headless().await;
    c.goto(&format!("{}/chat", w.api.base)).await.unwrap();
    chromium::fill_start(&c, "Ines", "ines@example.net").await;
    chromium::submit_start(&c).await;
    let message = c.find(Locator::Css("#message")).await.unwrap();
    message.send_keys("first").await.unwrap();
    message.send_keys(&Key::Enter.to_string()).await.unwrap();
    until(
        &c,
        "the first line confirmed",
        "return document.querySelectorAll('#messages li.msg.me:not(.sending)').length === 1",
    )
    .await;

    // The server dies; the customer writes two more lines. Both show at once, in
    // order, marked as on their way, and the box is free for the next.
    w.server.kill9();
    for line in ["second", "third"] {
        message.send_keys(line).await.unwrap();
        message.send_keys(&Key::Enter.to_string()).await.unwrap();
    }
    until(
        &c,
        "both lines marked as not sent yet",
        "return Array.from(document.querySelectorAll('#messages li.msg.me.sending .note')).filter(n => n.textContent === 'Not sent yet. Trying again…').length >= 1",
    )
    .await;
    let shown = my_lines(&c).await;
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert_eq!(shown[0], ("first".to_string(), String::new()));
    assert_eq!(shown[1].0, "second");
    assert_eq!(shown[2].0, "third");
    assert!(shown[1].1.starts_with("Not sent yet") || shown[1].1 == "Sending…");
    assert_eq!(
        js(&c, "return document.getElementById('message').value").await,
        ""
    );
    screenshot(&c, "chat-sending.png").await;
    // Still waiting a few seconds on: nothing is given up.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(my_lines(&c).await.len(), 3);

    // The server comes back on the same address: the page sends them, once each,
    // in order, without the customer doing anything.
    w.server.restart();
    until_resent(
        &c,
        "every line confirmed",
        "return document.querySelectorAll('#messages li.msg.me').length === 3 && document.querySelectorAll('#messages li.msg.me.sending').length === 0",
    )
    .await;
    let api = Api::new(&w.server.base);
    let snap = api.snapshot(w.agent(0)).await;
    let id = snap["queue"][0]["id"].as_i64().unwrap();
    let detail = api.detail(w.agent(0), id).await.ok();
    let bodies: Vec<&str> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "customer")
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["first", "second", "third"]);
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and the npm fixtures (scripts/test runs it)"]
async fn lines_left_unsent_when_the_page_was_closed_go_once_it_is_opened_again() {
    let mut w = World::standard().await;
    let (_driver, c) = chromium::headless().await;
    let page = format!("{}/chat", w.api.base);
    c.goto(&page).await.unwrap();
    chromium::fill_start(&c, "Jonas", "jonas@example.net").await;
    chromium::submit_start(&c).await;
    let message = c.find(Locator::Css("#message")).await.unwrap();
    message.send_keys("first").await.unwrap();
    message.send_keys(&Key::Enter.to_string()).await.unwrap();
    until(
        &c,
        "the first line confirmed",
        "return document.querySelectorAll('#messages li.msg.me:not(.sending)').length === 1",
    )
    .await;
    // The server dies, the customer writes two lines and closes the page.
    w.server.kill9();
    for line in ["second", "third"] {
        message.send_keys(line).await.unwrap();
        message.send_keys(&Key::Enter.to_string()).await.unwrap();
    }
    until(
        &c,
        "both lines on their way",
        "return document.querySelectorAll('#messages li.msg.me.sending').length === 2",
    )
    .await;
    c.goto("about:blank").await.unwrap();

    // Later the server is back and the customer opens the page again: the two
    // lines show as on their way and go, once each, in order.
    w.server.restart();
    c.goto(&page).await.unwrap();
    until(
        &c,
        "every line confirmed",
        "return document.querySelectorAll('#messages li.msg.me').length === 3 && document.querySelectorAll('#messages li.msg.me.sending').length === 0",
    )
    .await;
    let shown: Vec<String> = my_lines(&c).await.into_iter().map(|(b, _)| b).collect();
    assert_eq!(shown, ["first", "second", "third"]);
    assert_eq!(
        js(
            &c,
            "return window.localStorage.getItem('switchboard.chat.outbox')"
        )
        .await,
        Value::Null,
        "nothing left to send"
    );
    let api = Api::new(&w.server.base);
    let snap = api.snapshot(w.agent(0)).await;
    let id = snap["queue"][0]["id"].as_i64().unwrap();
    let detail = api.detail(w.agent(0), id).await.ok();
    let bodies: Vec<&str> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "customer")
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["first", "second", "third"]);
    c.close().await.unwrap();
}

/// Every path the page is served from: the page, its style, its modules and the
/// generated config.js.
fn page_paths() -> Vec<(String, &'static str)> {
    let mut paths = vec![
        ("/chat".to_string(), "text/html"),
        ("/chat/".to_string(), "text/html"),
        ("/chat/app.css".to_string(), "text/css"),
        ("/chat/config.js".to_string(), "text/javascript"),
    ];
    for (name, _) in page::MODULES {
        paths.push((format!("/chat/{name}"), "text/javascript"));
    }
    paths
}

#[tokio::test]
async fn the_page_is_self_contained_with_a_strict_policy() {
    let w = World::standard().await;
    let http = reqwest::Client::new();
    for (path, ct) in page_paths() {
        let r = http
            .get(format!("{}{path}", w.api.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let h = r.headers().clone();
        assert!(
            h["content-type"].to_str().unwrap().starts_with(ct),
            "{path}"
        );
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{path}"
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{path}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["cache-control"], "no-cache", "{path}");
        let body = r.text().await.unwrap();
        // No external assets: it must work on a closed network.
        assert!(
            !body.contains("http://") && !body.contains("https://"),
            "{path}"
        );
        if ct == "text/html" {
            assert!(!body.contains(" style=") && !body.contains("<style"));
            assert!(!body.contains(" onclick=") && !body.contains(" onload="));
            // One entry module; it imports the rest.
            assert!(body.contains(r#"<script type="module" src="/chat/main.js"></script>"#));
        }
        if ct == "text/javascript" {
            assert!(
                !body.contains("innerHTML") && !body.contains("eval("),
                "{path}"
            );
        }
    }
    // The script before the page became modules is gone.
    let r = http
        .get(format!("{}/chat/app.js", w.api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

/// The page's limits and texts are the server's: config.js carries the Rust
/// constants' values, strings escaped as JSON, and the file limit it was started with.
#[tokio::test]
async fn the_page_config_is_the_servers_constants() {
    let w = World::standard().await;
    let js = reqwest::get(format!("{}/chat/config.js", w.api.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut exported = serde_json::Map::new();
    for line in js.lines().filter(|l| l.starts_with("export const ")) {
        let (name, value) = line["export const ".len()..]
            .strip_suffix(';')
            .and_then(|l| l.split_once(" = "))
            .unwrap_or_else(|| panic!("not `export const NAME = JSON;`: {line}"));
        let value: Value = serde_json::from_str(value)
            .unwrap_or_else(|e| panic!("{name}'s value is not JSON ({e}): {value}"));
        assert!(
            exported.insert(name.to_string(), value).is_none(),
            "{name} twice"
        );
    }
    assert_eq!(
        Value::Object(exported),
        json!({
            "MAX_MESSAGE_CHARS": switchboard_protocol::MAX_MESSAGE_CHARS,
            "MAX_COMMENT_CHARS": rules::MAX_COMMENT_CHARS,
            // The server's setting (`serve --attachment-max-mib`, 10 by default).
            "MAX_FILE_BYTES": 10 * 1024 * 1024,
        })
    );
}
