//! End-to-end tests of the desktop app in the real WebKit webview: tauri-driver
//! and WebKitWebDriver drive the real `switchboard` binary, under Xvfb with a
//! D-Bus session and dunst (scripts/desktop-session), against a real
//! `switchboard-server`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod a11y;
mod archive;
mod both_sides;
mod canned;
mod connection;
mod desktop;
mod desktop_session;
mod erasure;
mod files;
mod flow;
mod french;
mod keyboard;
mod layout;
mod names;
mod notes;
mod panel;
mod search;
mod snooze;
mod support;
mod team;
mod tray;
mod typing;
mod window;
