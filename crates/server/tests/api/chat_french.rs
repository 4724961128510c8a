//! The chat page in the customer's language, in real headless Chromium: a
//! browser set to French gets the page in French from the first word, the
//! conversation is French to the server too (agents see it), the rating and
//! its thanks are French; the language menu switches the page to English
//! without a reload, the server is told, and the choice outlives a reload.

use crate::chat_page::{agent_ends, agent_takes_and_replies, js, rate, screenshot, until};
use crate::support::*;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use switchboard_i18n::{tr, Lang};
use switchboard_testkit::chromium;

async fn text(c: &Client, selector: &str) -> Value {
    js(
        c,
        &format!("return document.querySelector({selector:?}).textContent"),
    )
    .await
}

async fn attribute(c: &Client, selector: &str, name: &str) -> Value {
    js(
        c,
        &format!("return document.querySelector({selector:?}).getAttribute({name:?})"),
    )
    .await
}

/// The conversation's language as the agents' snapshot shows it.
async fn language_seen_by_agents(api: &Api, agent: &Agent) -> Value {
    let snap = api.snapshot(agent).await;
    let rows = snap["mine"]
        .as_array()
        .into_iter()
        .chain(snap["queue"].as_array())
        .flatten();
    rows.map(|r| r["language"].clone())
        .next()
        .unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and the npm fixtures (scripts/test runs it)"]
async fn a_french_browser_gets_the_page_in_french_and_the_menu_switches_it() {
    let fr = Lang::from_tag("fr").expect("French catalogs");
    let w = World::standard().await;
    let (api, alice) = (&w.api, w.agent(0));
    let (_driver, c) = chromium::headless_in("fr-FR").await;
    c.goto(&format!("{}/chat", api.base)).await.unwrap();
    until(
        &c,
        "the start form",
        "return !document.getElementById('start-screen').hidden",
    )
    .await;

    // French from the first word: the title, the form, the menu.
    assert_eq!(js(&c, "return document.documentElement.lang").await, "fr");
    assert_eq!(c.title().await.unwrap(), "Discutez avec nous");
    assert_eq!(text(&c, "h1").await, "Discutez avec nous");
    assert_eq!(text(&c, "#start").await, "Démarrer la discussion");
    assert_eq!(text(&c, "label[for='email']").await, "E-mail");
    assert_eq!(
        js(&c, "return document.getElementById('language').value").await,
        "fr"
    );
    assert_eq!(
        js(
            &c,
            "return Array.from(document.getElementById('language').options).map(o => o.textContent)"
        )
        .await,
        json!(["English", "Français"])
    );

    // Sent empty: the error is French.
    chromium::click_start(&c).await;
    until(
        &c,
        "the error",
        &format!(
            "return document.getElementById('error').textContent === {:?}",
            tr!(fr, "chat-name-missing")
        ),
    )
    .await;
    assert_eq!(text(&c, "#error").await, "Veuillez saisir votre nom.");
    screenshot(&c, "chat-start-fr.png").await;

    // The chat: the customer's own lines are "Vous", the notice French.
    chromium::chat_says(&c, "Élodie", "elodie@example.fr", "Bonjour, ma commande ?").await;
    assert_eq!(text(&c, "#messages li.msg.me .who").await, "Vous");
    assert_eq!(text(&c, "#waiting").await, tr!(fr, "chat-waiting"));
    assert_eq!(
        attribute(&c, "#message", "placeholder").await,
        "Écrivez votre message…"
    );
    assert_eq!(
        attribute(&c, "#attach", "aria-label").await,
        "Joindre des fichiers"
    );
    // Times in French: 24-hour, no AM/PM.
    let time = text(&c, "#messages li.msg.me time").await;
    let time = time.as_str().unwrap();
    assert!(
        time.len() == 5 && time.as_bytes()[2] == b':',
        "a French time: {time:?}"
    );

    // The server has the conversation in French: the agents see it.
    assert_eq!(language_seen_by_agents(api, alice).await, "fr");
    let id = agent_takes_and_replies(&c, api, alice, "Bonjour Élodie, je regarde.").await;
    screenshot(&c, "chat-conversation-fr.png").await;

    // The end and the rating, in French.
    agent_ends(&c, api, alice, id).await;
    assert_eq!(
        text(&c, "#ended").await,
        "Le conseiller a terminé cette conversation."
    );
    assert_eq!(
        text(&c, "#survey legend").await,
        "Comment nous sommes-nous débrouillés\u{a0}?"
    );
    assert_eq!(text(&c, "label[for='rating-1'] .sr-only").await, "1 étoile");
    assert_eq!(
        text(&c, "label[for='rating-4'] .sr-only").await,
        "4 étoiles"
    );
    rate(&c, 4).await;
    assert_eq!(
        text(&c, "#survey-thanks").await,
        "Merci pour votre avis\u{a0}!"
    );
    screenshot(&c, "chat-thanks-fr.png").await;

    // The menu switches to English at once, words written since the load too.
    c.find(Locator::Css("#language"))
        .await
        .unwrap()
        .select_by_value("en")
        .await
        .unwrap();
    until(
        &c,
        "the page in English",
        "return document.documentElement.lang === 'en'",
    )
    .await;
    let en = Lang::ENGLISH;
    assert_eq!(c.title().await.unwrap(), tr!(en, "chat-title"));
    assert_eq!(text(&c, "#messages li.msg.me .who").await, "You");
    assert_eq!(
        text(&c, "#survey-thanks").await,
        tr!(en, "chat-survey-thanks")
    );
    assert_eq!(text(&c, "#ended").await, tr!(en, "chat-ended"));
    assert_eq!(
        attribute(&c, "#message", "placeholder").await,
        "Type your message…"
    );
    let time = text(&c, "#messages li.msg.me time").await;
    assert!(
        time.as_str().unwrap().ends_with("AM") || time.as_str().unwrap().ends_with("PM"),
        "an English time: {time}"
    );
    // ... and the server is told.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let d = api.detail(alice, id).await.ok();
        if d["conversation"]["language"] == "en" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not get the new language: {}",
            d["conversation"]["language"]
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // The choice outlives a reload, though the browser still prefers French.
    c.refresh().await.unwrap();
    until(
        &c,
        "the conversation after a reload",
        "return document.querySelectorAll('#messages li.msg.agent').length === 1",
    )
    .await;
    assert_eq!(js(&c, "return document.documentElement.lang").await, "en");
    assert_eq!(text(&c, "#messages li.msg.me .who").await, "You");
}

/// The page's HTML already speaks the browser's language (before its script
/// runs, and without scripts at all); a cache keeps one copy per language.
#[tokio::test]
async fn the_page_is_sent_in_the_language_the_browser_asks_for() {
    let w = World::standard().await;
    let page = |languages: Option<&'static str>| {
        let mut req = w.api.http.get(format!("{}/chat", w.api.base));
        if let Some(l) = languages {
            req = req.header("accept-language", l);
        }
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 200);
            assert_eq!(res.headers()["vary"], "Accept-Language");
            res.text().await.unwrap()
        }
    };
    let fr = page(Some("fr-CA, en;q=0.5")).await;
    assert!(fr.contains("<html lang=\"fr\">"));
    assert!(fr.contains(">Discutez avec nous</h1>"));
    assert!(fr.contains("Cette discussion a besoin de JavaScript."));
    assert!(!fr.contains("Start chat"));
    for english in [page(Some("de, en;q=0.8")).await, page(None).await] {
        assert!(english.contains("<html lang=\"en\">"));
        assert!(english.contains(">Chat with us</h1>"));
    }
}
