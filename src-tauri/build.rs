//! Declares the app's own commands, so the capability file can grant the main
//! window exactly these and nothing broader.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "session_info",
        "sign_in",
        "sign_out",
        "lists",
        "conversation",
        "refresh_conversation",
        "search",
        "search_in",
        "subjects",
        "take",
        "free",
        "reopen",
        "spam",
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
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .unwrap_or_else(|e| panic!("tauri-build: {e}"));
}
