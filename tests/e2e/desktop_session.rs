//! The test desktop around the app: the notification daemon (dunst) and the
//! X display's tools (a window manager when a test needs one, xdotool, xprop).

use serde_json::Value;
use std::process::Command;
use std::time::Duration;

/// `dunstctl` output.
pub fn dunstctl(args: &[&str]) -> String {
    let out = Command::new("dunstctl")
        .args(args)
        .output()
        .expect("dunstctl runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Closes every notification and returns (appname, summary, body) of those the
/// daemon has seen.
pub fn notifications() -> Vec<(String, String, String)> {
    dunstctl(&["close-all"]);
    let v: Value = serde_json::from_str(&dunstctl(&["history"])).unwrap_or(Value::Null);
    v["data"][0]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|n| {
            let f = |k: &str| n[k]["data"].as_str().unwrap_or_default().to_string();
            (f("appname"), f("summary"), f("body"))
        })
        .collect()
}

/// A window manager on the test display, for as long as this lives (minimising
/// and raising windows need one; the other tests run without).
pub struct WindowManager(std::process::Child);

impl WindowManager {
    pub fn start() -> WindowManager {
        let child = std::process::Command::new("openbox")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("openbox (scripts/test installs it)");
        let wm = WindowManager(child);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !x(&["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"]).contains("window id") {
            assert!(
                std::time::Instant::now() < deadline,
                "openbox did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        wm
    }
}

impl Drop for WindowManager {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs an X11 tool and returns what it printed.
pub fn x(args: &[&str]) -> String {
    let out = std::process::Command::new(args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", args[0]));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The app's main window's X id, once it is there (the last of the windows
/// named Switchboard: GTK makes a hidden one first).
pub async fn main_window() -> String {
    let find = || {
        x(&["xdotool", "search", "--name", "^Switchboard$"])
            .lines()
            .last()
            .unwrap_or_default()
            .to_string()
    };
    until_x("the app's window", || !find().is_empty()).await;
    find()
}

/// Waits until `check` holds (20 s at most).
pub async fn until_x(what: &str, check: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
