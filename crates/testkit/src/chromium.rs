//! Real headless Chromium through chromedriver, for the customers' chat page.

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// chromedriver on a free port with its own browser profile, stopped on drop.
pub struct ChromeDriver {
    child: Child,
    url: String,
    profile: tempfile::TempDir,
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

use crate::free_port;

/// A phone-sized headless Chromium (`SWITCHBOARD_CHROMIUM`, else
/// /usr/bin/chromium) and a WebDriver session with it.
pub async fn headless() -> (ChromeDriver, Client) {
    headless_with(false).await
}

/// The same, with the OS in dark mode (`prefers-color-scheme: dark`) when `dark`.
pub async fn headless_with(dark: bool) -> (ChromeDriver, Client) {
    launch(dark, None).await
}

/// The same, with the browser set to `language` (a BCP 47 tag, `fr-FR`): its
/// `navigator.languages` and `Accept-Language`.
pub async fn headless_in(language: &str) -> (ChromeDriver, Client) {
    launch(false, Some(language)).await
}

async fn launch(dark: bool, language: Option<&str>) -> (ChromeDriver, Client) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian: chromium-driver; scripts/test installs it)");
    let driver = ChromeDriver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        profile: tempfile::tempdir().unwrap(),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut args = vec![
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-dev-shm-usage".into(),
        "--window-size=390,844".into(),
        format!("--user-data-dir={}", driver.profile.path().display()),
    ];
    if dark {
        args.push("--force-dark-mode".into());
    }
    let mut options = json!({
        "binary": std::env::var("SWITCHBOARD_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        "args": args,
    });
    if let Some(language) = language {
        let base = language.split('-').next().unwrap_or(language);
        let accepted = format!("{language},{base}");
        options["args"].as_array_mut().expect("a list").extend([
            json!(format!("--lang={language}")),
            json!(format!("--accept-lang={accepted}")),
        ]);
        options["prefs"] = json!({ "intl.accept_languages": accepted });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session");
    (driver, client)
}

/// Fills in the chat page's start form (it must be open) with a name and email.
pub async fn fill_start(c: &Client, name: &str, email: &str) {
    c.wait()
        .for_element(Locator::Css("#name"))
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    c.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
}

/// Clicks the start form's button.
pub async fn click_start(c: &Client) {
    c.find(Locator::Css("#start"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Starts a chat as `name` <`email`> and says `line`; returns once the
/// server has confirmed it (20 s at most).
pub async fn chat_says(c: &Client, name: &str, email: &str, line: &str) {
    fill_start(c, name, email).await;
    submit_start(c).await;
    let message = c.find(Locator::Css("#message")).await.unwrap();
    message.send_keys(line).await.unwrap();
    message
        .send_keys(&fantoccini::key::Key::Enter.to_string())
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let confirmed =
        "return document.querySelectorAll('#messages li.msg.me:not(.sending)').length >= 1";
    while c.execute(confirmed, vec![]).await.unwrap() != json!(true) {
        assert!(Instant::now() < deadline, "the line was not confirmed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Submits the start form and waits for the chat screen (20 s at most).
pub async fn submit_start(c: &Client) {
    click_start(c).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let shown = "return !document.getElementById('chat-screen').hidden";
    while c.execute(shown, vec![]).await.unwrap() != json!(true) {
        assert!(Instant::now() < deadline, "the chat screen did not open");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
