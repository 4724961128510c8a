//! The manual's flow in French, in the real app: the OS asks for French, so
//! the app speaks it from the sign-in screen on (the window, and the
//! notifications); every action of the manual is found by its French words;
//! Settings switches to English at once.

use crate::flow::choose;
use crate::support::*;
use fantoccini::Client;
use serde_json::Value;
use std::ffi::OsStr;
use std::time::Duration;

/// The text of the element with `data-testid` `id` (trimmed, spaces made plain).
async fn text_of(c: &Client, id: &str) -> String {
    let v = js(
        c,
        &format!(
            "const e = document.querySelector(\"[data-testid='{id}']\"); \
             return e ? e.textContent.replace(/\\s+/g, ' ').trim() : null"
        ),
    )
    .await;
    v.as_str()
        .unwrap_or_else(|| panic!("no {id} on screen"))
        .to_string()
}

/// Waits until the page shows `words` (no-break spaces read as spaces).
async fn until_words(c: &Client, words: &str) {
    until(
        c,
        words,
        &format!(
            "return document.body.textContent.replace(/[\\s\\u00a0\\u202f]+/g, ' ').includes({})",
            serde_json::to_string(words).unwrap()
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn the_manuals_flow_in_french() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    let driver = Driver::start_with(&w.data_dir(), &[("LANGUAGE", OsStr::new("fr_FR"))]);
    let c = driver.session().await;
    dunstctl(&["close-all"]);
    dunstctl(&["history-clear"]);

    // The sign-in screen is French before anyone signs in, errors too.
    until_words(&c, "Adresse du serveur").await;
    assert_eq!(text_of(&c, "signin-submit").await, "Se connecter");
    assert_eq!(
        js(&c, "return document.documentElement.lang").await,
        Value::from("fr")
    );
    sign_in(&c, &w.server.base, &w.agents[0].email, "mauvais").await;
    until_words(&c, "E-mail ou mot de passe incorrect").await;
    screenshot(&c, "app-fr-sign-in.png").await;
    sign_in_alice(&c, &w).await;
    until_words(&c, "Mes conversations").await;
    until_words(&c, "Conversations non assignées").await;
    until_words(&c, "Archivées").await;

    // A customer writes: the notification says so in French.
    let (maria, token) = w
        .customer("Maria Garcia", "Bonjour, mon colis est en retard")
        .await;
    // Her chat page is in French: the server keeps it for the conversation.
    let said = w
        .http
        .post(format!(
            "{}/api/v1/customer/conversations/{maria}/language",
            w.server.base
        ))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "language": "fr-FR" }))
        .send()
        .await
        .unwrap();
    assert_eq!(said.status(), 200);
    until_row(&c, "Maria in the queue", "queue", maria).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let shown = notifications();
        if shown
            .iter()
            .any(|(_, summary, _)| summary == "Maria Garcia · non assignée")
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no French notification: {shown:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Take, reply: « Conversation à jour ».
    open_row(&c, "queue", maria).await;
    assert_eq!(text_of(&c, "take").await, "Prendre");
    // The header says which language she writes in, in the app's language.
    until(
        &c,
        "her language in the header",
        "const l = document.querySelector(\"[data-testid='conversation-language']\"); return !!l && l.querySelector('[aria-hidden]').textContent.trim() === 'français' && l.title.startsWith('Langue du client')",
    )
    .await;
    click(&c, "take").await;
    until_row(&c, "Maria in My conversations", "mine", maria).await;
    // The history's system lines are French too (the server keeps what they say).
    until_words(&c, "Prise par Alice").await;
    type_into(&c, "composer", "Il a quitté l'entrepôt hier.").await;
    click(&c, "send").await;
    until(
        &c,
        "à jour",
        &format!(
            "const r = {}; return !!r && r.querySelector(\"[data-testid='row-status']\").textContent.includes('Conversation à jour')",
            row("mine", maria)
        ),
    )
    .await;
    screenshot(&c, "app-fr-conversation.png").await;

    // « Actions », then « Libérer la conversation »: back in the queue.
    assert!(text_of(&c, "actions").await.starts_with("Actions"));
    click(&c, "actions").await;
    // Each entry's words, then its key.
    for (id, words) in [
        ("action-free", "Libérer la conversation"),
        ("action-spam", "Spam"),
        ("action-end", "Terminer la conversation"),
    ] {
        let shown = text_of(&c, id).await;
        assert!(shown.starts_with(words), "{id}: {shown}");
    }
    screenshot(&c, "app-fr-actions.png").await;
    click(&c, "action-free").await;
    until_row(&c, "Maria back in the queue", "queue", maria).await;

    // « Spam », then « Signaler comme spam ».
    let (spammer, _) = w.customer("GAGNEZ UN PRIX", "Cliquez ici !!!").await;
    open_row(&c, "queue", spammer).await;
    click(&c, "take").await;
    until_row(&c, "spammer mine", "mine", spammer).await;
    click(&c, "actions").await;
    click(&c, "action-spam").await;
    assert_eq!(text_of(&c, "spam-confirm").await, "Signaler comme spam");
    click(&c, "spam-confirm").await;
    until(
        &c,
        "the spammer gone",
        &format!("return !document.querySelector(\"[data-testid='row'][data-id='{spammer}']\")"),
    )
    .await;

    // « Terminer la conversation »: the questionnaire, « Je ne sais pas »,
    // « Envoyer »; then « Archivées », labelled « Clôturée ».
    open_row(&c, "queue", maria).await;
    click(&c, "take").await;
    until_row(&c, "Maria mine again", "mine", maria).await;
    click(&c, "actions").await;
    click(&c, "action-end").await;
    c.wait().for_element(tid("end-subject")).await.unwrap();
    choose(&c, "end-subject", "Je ne sais pas").await;
    choose(&c, "end-mood", "Je ne sais pas").await;
    assert_eq!(text_of(&c, "end-send").await, "Envoyer");
    screenshot(&c, "app-fr-end-questionnaire.png").await;
    click(&c, "end-send").await;
    until_row(&c, "Maria archived", "archive", maria).await;
    let closed = js(
        &c,
        &format!(
            "return {}.querySelector(\"[data-testid='row-closed']\").textContent",
            row("archive", maria)
        ),
    )
    .await;
    assert!(closed.as_str().unwrap().contains("Clôturée"), "{closed}");
    let d = w.detail(maria).await;
    let answers = &d["conversation"]["closure"]["questionnaire"];
    assert_eq!(answers["subject"], Value::from("dont_know"), "{d}");
    assert_eq!(answers["mood"], Value::from("dont_know"), "{d}");
    open_row(&c, "archive", maria).await;
    until_words(&c, "Terminée par Alice").await;
    screenshot(&c, "app-fr-archived.png").await;

    // Settings → Langue → English: the window speaks English at once.
    click(&c, "open-settings").await;
    c.wait()
        .for_element(tid("settings-language"))
        .await
        .unwrap();
    screenshot(&c, "app-fr-settings.png").await;
    choose(&c, "settings-language", "English").await;
    until_words(&c, "My conversations").await;
    assert_eq!(
        js(&c, "return document.documentElement.lang").await,
        Value::from("en")
    );
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn the_servers_refusal_of_a_field_reads_in_french() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    let driver = Driver::start_with(&w.data_dir(), &[("LANGUAGE", OsStr::new("fr_FR"))]);
    let c = driver.session().await;
    // Sam, a supervisor, saves a canned reply whose placeholder the server
    // does not know: the app asks in French, the server answers in French.
    sign_in_agent(&c, &w, 2).await;
    click(&c, "open-team").await;
    click_until(&c, "canned-new", "canned-title").await;
    type_into(&c, "canned-title", "Bonjour").await;
    type_into(&c, "canned-shortcut", "bonjour").await;
    type_into(&c, "canned-body", "Bonjour {client.nom}, ici {agent.name}.").await;
    click(&c, "canned-save").await;
    until_words(
        &c,
        "Vérifiez votre saisie : le texte : variable inconnue {client.nom} ; \
         utilisez {customer.name} ou {agent.name}",
    )
    .await;
    assert_eq!(
        w.get(2, "/api/v1/canned-replies").await["replies"],
        serde_json::json!([]),
        "nothing saved"
    );
    c.close().await.unwrap();
}
