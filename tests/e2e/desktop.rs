//! Living on the desktop, in the real app: one instance (a second launch brings
//! the running window forward and quits), starting at login minimised to the
//! tray (the OS's autostart entry appears and goes with the setting), and
//! closing the window into the tray (the app and its notifications live on).

use crate::support::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Launches the app binary itself (not through WebDriver) on a data directory.
fn launch(data: &Path, home: &Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(args)
        .env("SWITCHBOARD_DATA_DIR", data)
        .env("XDG_CONFIG_HOME", data.join("config"))
        .env("HOME", home)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the app binary")
}

/// Waits for a process to end by itself (10 s at most); its exit status.
fn exits(child: &mut std::process::Child, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not quit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The app's top-level windows, and those of them on screen.
fn windows() -> (Vec<String>, Vec<String>) {
    let all = x(&["xdotool", "search", "--name", "^Switchboard$"]);
    let shown = x(&[
        "xdotool",
        "search",
        "--onlyvisible",
        "--name",
        "^Switchboard$",
    ]);
    let lines = |s: String| s.lines().map(str::to_string).collect::<Vec<_>>();
    (lines(all), lines(shown))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn a_second_launch_brings_the_first_forward_and_login_starts_it_in_the_tray() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let _wm = WindowManager::start();
    let data = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();

    // Started the way the login entry starts it: no window on screen.
    let mut first = launch(data.path(), home.path(), &["--minimized"]);
    until_x("the app's (hidden) window", || !windows().0.is_empty()).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        windows().1.is_empty(),
        "started at login, the window stays hidden"
    );
    assert!(
        first.try_wait().unwrap().is_none(),
        "the app runs in the tray"
    );

    // The agent launches it again: the running one comes forward, the second quits.
    let mut second = launch(data.path(), home.path(), &[]);
    let status = exits(&mut second, "the second launch");
    assert!(
        status.success(),
        "the second launch quits quietly: {status}"
    );
    until_x("the first window on screen", || windows().1.len() == 1).await;
    let shown = windows().1[0].clone();
    until_x("the first window active", || {
        x(&["xdotool", "getactivewindow"]).trim() == shown
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(windows().1.len(), 1, "one window on screen, of one app");
    assert!(first.try_wait().unwrap().is_none());
    let _ = first.kill();
    let _ = first.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn starting_at_login_and_closing_to_the_tray_follow_the_settings() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let _wm = WindowManager::start();
    let w = World::new().await;
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start_with(&w.data_dir(), &[("HOME", home.path().as_os_str())]);
    let c = driver.session().await;
    sign_in_alice(&c, &w).await;
    dunstctl(&["close-all"]);

    // Start at login: the OS's autostart entry appears, starting it minimised.
    let entries = home.path().join(".config/autostart");
    let entry = || -> Option<String> {
        std::fs::read_dir(&entries)
            .ok()?
            .flatten()
            .find(|e| e.path().extension().is_some_and(|x| x == "desktop"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
    };
    assert!(entry().is_none());
    click(&c, "open-settings").await;
    click(&c, "settings-start-at-login").await;
    until_x("the autostart entry", || entry().is_some()).await;
    let text = entry().unwrap();
    let exec = text
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .unwrap_or_default();
    assert!(
        exec.contains("switchboard") && exec.ends_with("--minimized"),
        "{text}"
    );
    click(&c, "settings-start-at-login").await;
    until_x("the autostart entry gone", || entry().is_none()).await;

    // Closing to the tray: the window goes, the app and its notifications stay.
    click(&c, "settings-close-to-tray").await;
    let saved = w.data_dir().join("settings.json");
    until_x("the setting saved", || {
        std::fs::read_to_string(&saved).is_ok_and(|s| s.contains(r#""close_to_tray": true"#))
    })
    .await;
    let window = windows().1[0].clone();
    x(&["xdotool", "windowactivate", "--sync", &window]);
    x(&["xdotool", "key", "alt+F4"]);
    until_x("the window hidden", || windows().1.is_empty()).await;
    let (olga, _) = w.customer("Olga Tray", "Are you still there?").await;
    until_x("a notification from the app in the tray", || {
        dunstctl(&["count", "displayed"]).trim() == "1"
    })
    .await;
    // Its notification brings the window back, on that conversation.
    dunstctl(&["action", "0"]);
    until_x("the window back", || windows().1.len() == 1).await;
    until(
        &c,
        "Olga's conversation",
        &format!(
            "return !!document.querySelector(\"[data-testid='conversation'][data-id='{olga}']\")"
        ),
    )
    .await;
    c.close().await.unwrap();
}
