//! Snoozing notifications, the launcher count and the call for attention, in
//! the real app, read where a desktop reads them: the notification daemon
//! (dunst) and the Notify calls on the session bus, the tray's menu over
//! dbusmenu (panel.rs), the `com.canonical.Unity.LauncherEntry` signal, and the
//! window's urgency on the X server.

use crate::panel::*;
use crate::support::*;
use std::time::Duration;

/// Whether dunst has shown a notification whose summary starts with `who`.
fn notified(who: &str) -> bool {
    notifications().iter().any(|(_, s, _)| s.starts_with(who))
}

/// Waits `for_` and checks that nothing about `who` was shown meanwhile.
async fn stays_quiet(who: &str, for_: Duration) {
    let until = std::time::Instant::now() + for_;
    while std::time::Instant::now() < until {
        assert!(!notified(who), "{who} was notified during the snooze");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn a_snooze_holds_notifications_back_until_it_ends_or_is_resumed_from_the_tray() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let panel = Panel::start().await;
    let mut bus = BusMonitor::start(&[
        "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
        "type='signal',interface='com.canonical.Unity.LauncherEntry'",
    ])
    .await;
    let w = World::new().await;
    // Snoozed from an earlier run of the app, ending in 40 s (starting the app
    // and its tray takes a while on a loaded machine).
    let ends = chrono::Utc::now() + chrono::Duration::seconds(40);
    std::fs::write(
        w.data_dir().join("settings.json"),
        serde_json::json!({"reminder_minutes": 10, "do_not_disturb": false, "snoozed_until": ends})
            .to_string(),
    )
    .unwrap();
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_alice(&c, &w).await;
    notifications();
    let item = panel.item(&w.data_dir()).await;
    let menu = menu(&item).await;
    until(
        &c,
        "the sidebar to say notifications are snoozed",
        "return document.querySelector('[data-testid=snooze-status]')?.textContent.includes('Notifications snoozed until')",
    )
    .await;
    until_menu(&menu, "the snooze", |items| {
        items
            .iter()
            .any(|(_, l, on)| l.starts_with("Notifications snoozed until") && !on)
            && items
                .iter()
                .any(|(_, l, on)| l == "Resume notifications" && *on)
    })
    .await;

    // A customer writes during the snooze: counted on the tray and the launcher,
    // not shown.
    let (ada, _) = w.customer("Ada Snooze", "Hello, anyone?").await;
    assert!(
        chrono::Utc::now() + chrono::Duration::seconds(6) < ends,
        "the app took too long to start for this test's 40 s snooze"
    );
    until_label(&item, "1").await;
    let (uri, count, visible) = bus
        .next("the launcher count 1", |m| {
            launcher_update(m).filter(|u| u.1 == 1)
        })
        .await;
    assert_eq!(
        (uri.as_str(), count, visible),
        ("application://Switchboard.desktop", 1, true)
    );
    // Nothing about her for as long as the snooze lasts.
    let left = (ends - chrono::Utc::now()).to_std().unwrap_or_default();
    stays_quiet(
        "Ada Snooze",
        left.saturating_sub(Duration::from_millis(500)),
    )
    .await;

    // The snooze ends by itself: Ada is shown, with the chat sound, and the app
    // and the tray say notifications are on.
    let (_, hints) = bus
        .next("Ada's notification after the snooze", |m| {
            notify_call(m).filter(|(s, _)| s.starts_with("Ada Snooze"))
        })
        .await;
    assert!(chrono::Utc::now() >= ends, "shown before the snooze ended");
    let sound = hints
        .get("sound-name")
        .and_then(|v| String::try_from(v.try_clone().ok()?).ok());
    assert_eq!(sound.as_deref(), Some("message-new-instant"), "{hints:?}");
    until_x("Ada's notification on screen", || notified("Ada Snooze")).await;
    until(
        &c,
        "the snooze to end in the sidebar",
        "return !document.querySelector('[data-testid=snooze-status]') && !!document.querySelector('[data-testid=snooze]')",
    )
    .await;
    until_menu(&menu, "notifications on", |items| {
        items.iter().any(|(_, l, _)| l == "Notifications on")
            && items
                .iter()
                .any(|(_, l, on)| l == "Resume notifications" && !on)
    })
    .await;

    // Snoozed for half an hour from the app: Ben is counted, not shown.
    click(&c, "snooze").await;
    click(&c, "snooze-half-hour").await;
    until_menu(&menu, "the new snooze", |items| {
        items
            .iter()
            .any(|(_, l, _)| l.starts_with("Notifications snoozed until"))
    })
    .await;
    let (ben, _) = w.customer("Ben Snooze", "My order never came").await;
    until_label(&item, "2").await;
    bus.next("the launcher count 2", |m| {
        launcher_update(m).filter(|u| u.1 == 2 && u.2)
    })
    .await;
    stays_quiet("Ben Snooze", Duration::from_secs(3)).await;

    // Resumed from the tray: Ben is shown at once, and the app says so.
    click_menu(&menu, "Resume notifications").await;
    until_x("Ben's notification after resuming", || {
        notified("Ben Snooze")
    })
    .await;
    until(
        &c,
        "the sidebar to show notifications on",
        "return !document.querySelector('[data-testid=snooze-status]')",
    )
    .await;

    // Both answered elsewhere: the launcher count goes.
    w.take_and_end(1, ada).await;
    w.take_and_end(1, ben).await;
    bus.next("the launcher count to go", |m| {
        launcher_update(m).filter(|u| u.1 == 0 && !u.2)
    })
    .await;
    until_label(&item, "").await;
    drop(c);
}

/// Minimises the window, as an agent going to another app does, and waits
/// until the page knows it lost the focus.
async fn minimise(c: &fantoccini::Client, id: &str) {
    x(&["xdotool", "windowminimize", id]);
    until_x("the window minimised", || {
        x(&["xprop", "-id", id, "WM_STATE"]).contains("Iconic")
    })
    .await;
    until(
        c,
        "the window to lose the focus",
        "return !document.hasFocus()",
    )
    .await;
}

/// Whether the window asks for attention (the urgency hint openbox reads as
/// `_NET_WM_STATE_DEMANDS_ATTENTION`).
fn demands_attention(id: &str) -> bool {
    x(&["xprop", "-id", id, "_NET_WM_STATE"]).contains("_NET_WM_STATE_DEMANDS_ATTENTION")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn a_customer_who_starts_waiting_flashes_the_window_in_the_background_until_it_is_focused() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let _wm = WindowManager::start();
    let w = World::new().await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_alice(&c, &w).await;
    let id = main_window().await;
    // Focused: a customer writing shows a notification but does not flash.
    w.customer("Cleo Focus", "Hi there").await;
    until_x("Cleo's notification", || notified("Cleo Focus")).await;
    assert!(
        !demands_attention(&id),
        "no flash while the agent is in the window"
    );

    // The agent goes to another window (minimises this one).
    minimise(&c, &id).await;
    w.customer("Dan Background", "Are you open today?").await;
    until_x("the window to ask for attention", || demands_attention(&id)).await;

    // Back in the window: the flash stops.
    x(&["xdotool", "windowactivate", &id]);
    until_x("the flash to stop", || !demands_attention(&id)).await;

    // Turned off in the settings: nothing flashes.
    click(&c, "open-settings").await;
    click(&c, "settings-attention").await;
    let saved = w.data_dir().join("settings.json");
    until_x("the setting saved", || {
        std::fs::read_to_string(&saved).is_ok_and(|s| s.contains(r#""attention": false"#))
    })
    .await;
    minimise(&c, &id).await;
    w.customer("Eve Quiet", "Hello?").await;
    until_x("Eve's notification", || notified("Eve Quiet")).await;
    // The call would have come with the notification: give it time to arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!demands_attention(&id), "the setting is off");
    drop(c);
}
