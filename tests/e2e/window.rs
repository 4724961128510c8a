//! The window: it remembers its size and position across runs, and a click on a
//! notification brings it forward on that conversation.

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn the_window_comes_back_where_it_was_left() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    until_sign_in_form(&c).await;
    let first = c.get_window_rect().await.unwrap();
    // Somewhere the app would never open by itself.
    let wanted = (137.0, 91.0, 1011.0, 677.0);
    c.set_window_rect(
        wanted.0 as u32,
        wanted.1 as u32,
        wanted.2 as u32,
        wanted.3 as u32,
    )
    .await
    .unwrap();
    let set = c.get_window_rect().await.unwrap();
    assert_ne!(set, first, "the window moved and resized");
    // The app saves shortly after the window stops moving (the window-state
    // plugin's file in its config folder); then it is killed, with no chance
    // to save on the way out.
    let state = w
        .data_dir()
        .join("config/com.switchboard.desktop/.window-state.json");
    let (width, height) = (
        format!("\"width\": {}", set.2 as u32),
        format!("\"height\": {}", set.3 as u32),
    );
    until_x("the geometry saved", || {
        std::fs::read_to_string(&state).is_ok_and(|s| s.contains(&width) && s.contains(&height))
    })
    .await;
    c.close().await.unwrap();
    drop(driver);

    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    until_sign_in_form(&c).await;
    let again = c.get_window_rect().await.unwrap();
    assert_eq!(again, set, "the second run opens where the first was left");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn a_notification_click_brings_the_minimised_window_forward_on_that_conversation() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let _wm = WindowManager::start();
    let w = World::new().await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_alice(&c, &w).await;
    let window = main_window().await;
    let state = || x(&["xprop", "-id", &window, "WM_STATE"]);

    // The agent minimises the window and works elsewhere.
    x(&["xdotool", "windowminimize", &window]);
    until_x("the window minimised", || state().contains("Iconic")).await;
    dunstctl(&["close-all"]);

    // A customer writes; the agent clicks the notification.
    let (olga, _) = w.customer("Olga", "Is anyone there?").await;
    until_x("the notification", || {
        dunstctl(&["count", "displayed"]).trim() == "1"
    })
    .await;
    dunstctl(&["action", "0"]);

    // The window is back, in front, on Olga's conversation.
    until_x("the window restored", || state().contains("Normal")).await;
    until_x("the window active", || {
        x(&["xdotool", "getactivewindow"]).trim() == window
    })
    .await;
    until(
        &c,
        "Olga's conversation open",
        &format!(
            "return !!document.querySelector(\"[data-testid='conversation'][data-id='{olga}']\")"
        ),
    )
    .await;
}
