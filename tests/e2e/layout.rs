//! The layout holds from the window's minimum size (720×480, tauri.conf.json)
//! up: at the minimum and at the default 1200×800, no screen spills sideways
//! out of the window (what is wider scrolls inside its own box), and the
//! composer's Send stays on screen. Screenshots at the minimum size.

use crate::support::*;
use fantoccini::Client;
use serde_json::Value;

/// Elements that stick out of the window on the right, other than inside a
/// box that scrolls or clips them (at most five, described).
const SPILLING: &str = "
  const w = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= w + 1) return false;
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x !== 'visible' && p.getBoundingClientRect().right <= w + 1) return false;
    }
    return true;
  });
  const sideways = document.documentElement.scrollWidth > w;
  return out.slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')
    + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '') + ' ends at ' + Math.round(e.getBoundingClientRect().right))
    .concat(sideways ? ['the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + w] : []);";

async fn resize(c: &Client, width: u32, height: u32) {
    c.set_window_size(width, height).await.unwrap();
    until(
        c,
        &format!("the window at {width}×{height}"),
        &format!("return Math.abs(window.outerWidth - {width}) <= 2 || Math.abs(window.innerWidth - {width}) <= 40"),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
}

async fn assert_fits(c: &Client, screen: &str) {
    let found = js(c, SPILLING).await;
    assert_eq!(
        found,
        Value::Array(vec![]),
        "{screen}: spills out of the window"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn every_screen_fits_from_the_minimum_window_size_up() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_agent(&c, &w, 2).await; // Sam, a supervisor: every screen there is
    let (maria, _) = w
        .customer(
            "Maria Garcia-Fernández de la Torre",
            "Hello, my parcel is late and the tracking page has said 'in transit' for nine days now",
        )
        .await;
    until_row(&c, "Maria in the queue", "queue", maria).await;
    open_row(&c, "queue", maria).await;
    click(&c, "take").await;
    until_row(&c, "Maria mine", "mine", maria).await;
    w.take_and_end(0, w.customer("Ben", "Hi").await.0).await;

    for (width, height) in [(1200, 800), (720, 480)] {
        let at = format!("{width}×{height}");
        resize(&c, width, height).await;
        assert_fits(&c, &format!("a conversation at {at}")).await;
        let send_visible = js(
            &c,
            "const b = document.querySelector(\"[data-testid='send']\").getBoundingClientRect();
             return b.bottom <= innerHeight + 1 && b.right <= innerWidth + 1 && b.width > 0",
        )
        .await;
        assert_eq!(send_visible, Value::Bool(true), "Send on screen at {at}");
        if width == 720 {
            screenshot(&c, "app-min-conversation.png").await;
        }

        click(&c, "open-report").await;
        until(
            &c,
            "the report table",
            "return !!document.querySelector(\"[data-testid='report-table'] tbody tr\")",
        )
        .await;
        assert_fits(&c, &format!("the report at {at}")).await;
        if width == 720 {
            screenshot(&c, "app-min-report.png").await;
        }

        click(&c, "open-team").await;
        until(
            &c,
            "the team",
            "return !!document.querySelector(\"[data-testid='team-view']\")",
        )
        .await;
        assert_fits(&c, &format!("the team at {at}")).await;

        click(&c, "open-settings").await;
        until(
            &c,
            "the settings",
            "return !!document.querySelector(\"[data-testid='settings-language']\")",
        )
        .await;
        assert_fits(&c, &format!("settings at {at}")).await;
        if width == 720 {
            screenshot(&c, "app-min-settings.png").await;
        }
        press(&c, &char::from(fantoccini::key::Key::Escape).to_string()).await;
        until(
            &c,
            "the settings closed",
            "return !document.querySelector(\"[data-testid='settings']\")",
        )
        .await;
        open_row(&c, "mine", maria).await;
    }
    c.close().await.unwrap();
}
