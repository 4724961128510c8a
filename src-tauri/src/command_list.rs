// The app's own commands, named once: `build.rs` declares them to tauri-build
// (which makes the `allow-…` permissions), and a test checks that the invoke
// handler (the specta builder in `shell.rs`) and the capability file grant
// exactly these. Included by both `build.rs` and the app.

/// Every command the UI may call.
pub const COMMANDS: &[&str] = &[
    "session_info",
    "sign_in",
    "sign_out",
    "lists",
    "archive_rows",
    "conversation",
    "refresh_conversation",
    "search",
    "search_in",
    "subjects",
    "take",
    "free",
    "reopen",
    "spam",
    "transfer",
    "team",
    "availability",
    "set_availability",
    "set_capacity",
    "blocked_customers",
    "unblock",
    "reply",
    "end",
    "outbox",
    "dismiss",
    "connection",
    "settings",
    "set_settings",
    "snooze",
    "set_view",
    "agents",
    "chat_report",
    "export_chat_report",
    "open_link",
    "changes",
];
