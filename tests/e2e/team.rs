//! Team routing in the real window: Alice transfers a conversation to Bob from
//! the Actions menu, Bob (another app, over HTTP) transfers one to her and she
//! is notified, and she goes away from the sidebar.

use crate::support::*;
use fantoccini::Locator;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

impl World {
    /// Agent `agent`'s id and name.
    async fn who(&self, agent: usize) -> (i64, String) {
        let me = self.get(agent, "/api/v1/me").await;
        (
            me["id"].as_i64().unwrap(),
            me["name"].as_str().unwrap().to_string(),
        )
    }
}

/// Agent `agent`'s app as far as the server can tell: their event stream, open
/// and read (answering pings) until the returned task is aborted.
async fn open_app(w: &World, agent: usize) -> tokio::task::JoinHandle<()> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let url = format!(
        "{}/api/v1/stream?cursor=0",
        w.server.base.replace("http://", "ws://")
    );
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {}", w.agents[agent].token).parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let first = ws.next().await;
    assert!(
        matches!(first, Some(Ok(_))),
        "the stream answers: {first:?}"
    );
    let reading = tokio::spawn(async move { while ws.next().await.is_some() {} });
    let (id, _) = w.who(agent).await;
    until_api(
        "the app counted as open",
        || w.get(agent, "/api/v1/team"),
        |t| {
            t["agents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == id && m["connected"] == true)
        },
    )
    .await;
    reading
}

/// Polls the server until `check` holds for what `read` returns.
async fn until_api<F: std::future::Future<Output = Value>>(
    what: &str,
    read: impl Fn() -> F,
    check: impl Fn(&Value) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let v = read().await;
        if check(&v) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn conversations_are_transferred_both_ways_and_alice_goes_away() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    let (alice_id, _) = w.who(0).await;
    let (bob_id, _) = w.who(1).await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_alice(&c, &w).await;
    let bobs_app = open_app(&w, 1).await;

    // Alice hands Maria to Bob from the Actions menu, with a note.
    let (maria, _) = w.customer("Maria Transfer", "My parcel is lost").await;
    assert_eq!(w.act(0, maria, "take").await, 200);
    open_row(&c, "mine", maria).await;
    click(&c, "actions").await;
    click(&c, "action-transfer").await;
    let bob_choice =
        format!("[data-testid='transfer-agent'][data-agent-id='{bob_id}'] input[type='radio']");
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&bob_choice))
        .await
        .expect("Bob in the transfer dialog")
        .click()
        .await
        .unwrap();
    type_into(&c, "transfer-note", "Tracking number in her first message").await;
    screenshot(&c, "app-transfer.png").await;
    click(&c, "transfer-confirm").await;
    until_api(
        "Maria now Bob's, with the line",
        || w.detail(maria),
        |d| {
            d["conversation"]["occupant"]["name"] == "Bob"
                && d["messages"].as_array().unwrap().iter().any(|m| {
                    m["body"]
                        == "Transferred by Alice to Bob. Note: Tracking number in her first message"
                })
        },
    )
    .await;
    until(
        &c,
        "Maria gone from Alice's conversations",
        &format!("return !{}", row("mine", maria)),
    )
    .await;

    // Bob hands Olga to Alice: she sees it in her conversations and is notified.
    dunstctl(&["close-all"]);
    let (olga, _) = w.customer("Olga Transfer", "Hello?").await;
    assert_eq!(w.act(1, olga, "take").await, 200);
    let r = w
        .http
        .post(format!(
            "{}/api/v1/conversations/{olga}/transfer",
            w.server.base
        ))
        .bearer_auth(&w.agents[1].token)
        .json(&json!({"op_id": uuid::Uuid::new_v4(), "to": alice_id, "note": "VIP customer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{:?}", r.text().await);
    until_row(&c, "Olga in Alice's conversations", "mine", olga).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let seen = notifications().into_iter().any(|(app, summary, body)| {
            app == "Switchboard"
                && summary == "Olga Transfer · transferred to you"
                && body == "Bob: VIP customer"
        });
        if seen {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no transfer notification: {:?}",
            notifications()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Away from the sidebar: the team sees it, and Bob can no longer transfer to her.
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(tid("availability"))
        .await
        .unwrap()
        .select_by_value("away")
        .await
        .unwrap();
    until_api(
        "Alice away for the team",
        || w.get(1, "/api/v1/team"),
        |t| {
            t["agents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == alice_id && m["availability"] == "away")
        },
    )
    .await;
    let (pia, _) = w.customer("Pia Transfer", "hi").await;
    assert_eq!(w.act(1, pia, "take").await, 200);
    let refused: Value = w
        .http
        .post(format!(
            "{}/api/v1/conversations/{pia}/transfer",
            w.server.base
        ))
        .bearer_auth(&w.agents[1].token)
        .json(&json!({"op_id": uuid::Uuid::new_v4(), "to": alice_id}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refused["code"], "agent_unavailable");
    // Back again from the sidebar.
    c.find(tid("availability"))
        .await
        .unwrap()
        .select_by_value("available")
        .await
        .unwrap();
    bobs_app.abort();
    until_api(
        "Alice available again",
        || w.get(1, "/api/v1/team"),
        |t| {
            t["agents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == alice_id && m["availability"] == "available")
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn the_supervisor_sees_the_team_live_frees_from_there_and_unblocks() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    let (alice_id, _) = w.who(0).await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_agent(&c, &w, 2).await;
    click(&c, "open-team").await;
    let alice_row = format!(
        "document.querySelector(\"[data-testid='team-agent'][data-agent-id='{alice_id}']\")"
    );
    until(
        &c,
        "Alice in the team, holding nothing",
        &format!("const r = {alice_row}; return !!r && r.querySelector(\"[data-testid='team-load']\").textContent.trim() === '0'"),
    )
    .await;

    // Live: Alice takes a waiting customer; her load and wait show up.
    let (nina, _) = w.customer("Nina Team", "Is anyone there?").await;
    assert_eq!(w.act(0, nina, "take").await, 200);
    until(
        &c,
        "Alice's load 1, with Nina",
        &format!("const r = {alice_row}; return r.querySelector(\"[data-testid='team-load']\").textContent.trim() === '1' && r.textContent.includes('Nina Team') && r.querySelector(\"[data-testid='team-wait']\").textContent.trim() !== '—'"),
    )
    .await;

    // Bob goes away (from his app); Sam gives Alice a capacity of 3 here.
    let r = w
        .http
        .put(format!("{}/api/v1/me/availability", w.server.base))
        .bearer_auth(&w.agents[1].token)
        .json(&json!({"availability": "away"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    until(
        &c,
        "Bob away on the team screen",
        "return [...document.querySelectorAll(\"[data-testid='team-agent']\")].some(r => r.textContent.includes('Bob') && r.querySelector(\"[data-testid='team-status']\").textContent.trim().startsWith('Away'))",
    )
    .await;
    let field = c
        .find(Locator::Css(&format!(
            "[data-testid='team-agent'][data-agent-id='{alice_id}'] [data-testid='team-capacity']"
        )))
        .await
        .unwrap();
    field.send_keys("3").await.unwrap();
    js(
        &c,
        &format!("{alice_row}.querySelector(\"[data-testid='team-capacity-save']\").click(); return true"),
    )
    .await;
    until_api(
        "Alice's capacity on the server",
        || w.get(2, "/api/v1/team"),
        |t| {
            t["agents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == alice_id && m["capacity"] == 3)
        },
    )
    .await;
    until(
        &c,
        "Alice's load against her capacity",
        &format!("return {alice_row}.querySelector(\"[data-testid='team-load']\").textContent.trim() === '1 of 3'"),
    )
    .await;
    screenshot(&c, "app-team.png").await;

    // Free from there: back in the queue.
    js(
        &c,
        &format!("{alice_row}.querySelector(\"[data-testid='team-free']\").click(); return true"),
    )
    .await;
    until_api(
        "Nina back in the queue",
        || w.detail(nina),
        |d| d["conversation"]["state"] == "not_assigned",
    )
    .await;

    // Bob reports a customer as spam; they write on; Sam unblocks them.
    let (sly, token) = w.customer("Sly Spam", "buy now").await;
    assert_eq!(w.act(1, sly, "take").await, 200);
    assert_eq!(w.act(1, sly, "spam").await, 200);
    w.say(sly, &token, "<b>please</b> unblock me").await;
    until(
        &c,
        "Sly on the unblock screen with what he wrote",
        "const b = document.querySelector(\"[data-testid='blocked-customer']\"); return !!b && b.textContent.includes('<b>please</b> unblock me') && !b.querySelector('b')",
    )
    .await;
    click(&c, "unblock").await;
    until_api(
        "Sly back in the queue",
        || w.detail(sly),
        |d| d["conversation"]["state"] == "not_assigned",
    )
    .await;
    until_row(&c, "Sly in the queue", "queue", sly).await;
    until(
        &c,
        "nobody blocked",
        "return document.querySelector(\"[data-testid='blocked-customers']\").textContent.includes('Nobody is blocked.')",
    )
    .await;
}

/// Moves the pointer through the X server (XTEST), as a person would: input at
/// the desktop, which WebDriver's clicks in the page are not.
fn touch_the_desktop(x: u32) {
    let status = std::process::Command::new("xdotool")
        .args(["mousemove", &x.to_string(), "5"])
        .status()
        .expect("xdotool");
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn alice_is_away_while_the_desktop_is_idle_and_back_at_the_first_input() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    let (alice_id, _) = w.who(0).await;
    // Away after 3 s without input (the app offers minutes; the file takes seconds).
    std::fs::write(
        w.data_dir().join("settings.json"),
        json!({"reminder_minutes": 2, "do_not_disturb": false, "away_when_idle_secs": 3})
            .to_string(),
    )
    .unwrap();
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_alice(&c, &w).await;
    let alice_is = |availability: &'static str| {
        let w = &w;
        async move {
            until_api(
                &format!("Alice {availability} for the team"),
                || w.get(1, "/api/v1/team"),
                |t| {
                    t["agents"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|m| m["id"] == alice_id && m["availability"] == availability)
                },
            )
            .await;
        }
    };
    let sidebar_says = |availability: &'static str| {
        let c = &c;
        async move {
            until(
                c,
                &format!("the sidebar says {availability}"),
                &format!(
                    "const s = document.querySelector(\"[data-testid='availability']\"); \
                     return s != null && s.value === '{availability}'"
                ),
            )
            .await;
        }
    };

    // Nobody at the desk: away, on the server and in the sidebar.
    alice_is("away").await;
    sidebar_says("away").await;
    // A move of the mouse: available again within seconds.
    let back = Instant::now();
    touch_the_desktop(40);
    alice_is("available").await;
    sidebar_says("available").await;
    assert!(
        back.elapsed() < Duration::from_secs(8),
        "back after {:?}",
        back.elapsed()
    );
    // Idle again: away again.
    alice_is("away").await;

    // Away chosen by hand is kept through input: the rule only undoes its own.
    touch_the_desktop(60);
    alice_is("available").await;
    // Chosen well within the 3 s, before the rule could set away itself.
    touch_the_desktop(65);
    c.find(tid("availability"))
        .await
        .unwrap()
        .select_by_value("away")
        .await
        .unwrap();
    alice_is("away").await;
    for x in [70, 80, 90] {
        touch_the_desktop(x);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let team = w.get(1, "/api/v1/team").await;
    let alice = team["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == alice_id)
        .unwrap()
        .clone();
    assert_eq!(alice["availability"], "away", "{alice}");

    // Settings shows the time, and Never turns it off: idle, she stays available.
    // (Input before each step, so that the 3 s do not run out meanwhile.)
    touch_the_desktop(100);
    c.find(tid("availability"))
        .await
        .unwrap()
        .select_by_value("available")
        .await
        .unwrap();
    alice_is("available").await;
    touch_the_desktop(110);
    click(&c, "open-settings").await;
    let select = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(tid("settings-away-when-idle"))
        .await
        .unwrap();
    assert_eq!(select.prop("value").await.unwrap().as_deref(), Some("3"));
    select.select_by_value("off").await.unwrap();
    let saved = w.data_dir().join("settings.json");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s: Value = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
        if s["away_when_idle_secs"].is_null() {
            break;
        }
        assert!(Instant::now() < deadline, "never saved: {s}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(6)).await;
    let team = w.get(1, "/api/v1/team").await;
    assert!(
        team["agents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == alice_id && m["availability"] == "available"),
        "{team}"
    );
}
