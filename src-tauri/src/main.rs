//! Switchboard's desktop app: registers the commands, the tray and the window's
//! behaviour. Everything the app does lives in `switchboard_client::App`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod command_list;
mod commands;
mod files;
mod shell;
#[cfg(all(unix, not(target_os = "macos")))]
mod webview;

fn main() -> std::process::ExitCode {
    // First, before GTK and before any other thread: WebKit reads it when the
    // window's webview is made.
    #[cfg(all(unix, not(target_os = "macos")))]
    let software_drawing = {
        let choice = webview::compositing_override(
            std::env::var_os(webview::COMPOSITING_VARIABLE),
            webview::Graphics::probe(),
        );
        if let Some(value) = choice {
            std::env::set_var(webview::COMPOSITING_VARIABLE, value);
        }
        choice.is_some()
    };
    let log = tracing_subscriber::fmt().with_env_filter(
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
    );
    // SWITCHBOARD_LOG_FILE: the log goes to that file (appended), for a build
    // without a console (Windows) or a launcher that drops the app's output.
    match std::env::var_os("SWITCHBOARD_LOG_FILE").map(|p| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&p)
            .map_err(|e| format!("{}: {e}", std::path::Path::new(&p).display()))
    }) {
        Some(Ok(file)) => log
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .init(),
        Some(Err(why)) => {
            log.init();
            tracing::warn!("the log file cannot be opened, logging to stdout: {why}");
        }
        None => log.init(),
    }
    #[cfg(all(unix, not(target_os = "macos")))]
    if software_drawing {
        tracing::info!(
            "no GPU (no /dev/dri render node): the window draws without accelerated compositing ({}=1)",
            webview::COMPOSITING_VARIABLE
        );
    }
    switchboard_client::startup_mark("main");
    if let Some(why) = shell::no_display() {
        eprintln!("switchboard: {why}");
        return std::process::ExitCode::FAILURE;
    }
    match shell::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchboard: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Where exported reports go: the user's Downloads folder (the home folder if none).
pub fn downloads_dir() -> std::path::PathBuf {
    directories::UserDirs::new()
        .and_then(|u| u.download_dir().map(|d| d.to_path_buf()))
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
        .unwrap_or_else(std::env::temp_dir)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The commands the invoke handler serves, the list tauri-build declares and
    /// the capability file's grants are the same set: adding a command in one
    /// place and not the others fails here, not in the running app.
    #[test]
    fn the_commands_served_declared_and_granted_are_one_list() {
        let listed: BTreeSet<String> = crate::command_list::COMMANDS
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            listed.len(),
            crate::command_list::COMMANDS.len(),
            "a command listed twice"
        );
        // Served: the specta builder's commands, as its bindings invoke them,
        // and the one taking raw bytes beside them.
        let bindings = crate::shell::bindings().unwrap_or_else(|e| panic!("bindings: {e}"));
        let served: BTreeSet<String> = bindings
            .split("TAURI_INVOKE(\"")
            .skip(1)
            .filter_map(|s| s.split('"').next().map(str::to_string))
            .chain(crate::shell::RAW_COMMANDS.iter().map(|c| c.to_string()))
            .collect();
        assert_eq!(
            served, listed,
            "shell.rs's command list and command_list.rs"
        );
        // Granted: the main window's capability.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src-tauri/capabilities/main.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let caps: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let granted: BTreeSet<String> = caps["permissions"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.as_str())
            .map(|p| {
                p.strip_prefix("allow-")
                    .unwrap_or_else(|| {
                        panic!("the main window is granted {p:?}, not one of its own commands")
                    })
                    .replace('-', "_")
            })
            .collect();
        assert_eq!(
            granted, listed,
            "capabilities/main.json and command_list.rs"
        );
    }

    /// The UI's TypeScript bindings are generated from these Rust types; the
    /// committed file must match (set UPDATE_BINDINGS=1 to rewrite it).
    #[test]
    fn ui_bindings_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings.ts");
        let fresh = crate::shell::bindings().unwrap_or_else(|e| panic!("exporting bindings: {e}"));
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/lib/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p switchboard-app ui_bindings` and commit it"
        );
    }
}
