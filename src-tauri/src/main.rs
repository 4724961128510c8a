//! Switchboard's desktop app: registers the commands, the tray and the window's
//! behaviour. Everything the app does lives in `switchboard_client::App`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod shell;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
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
    /// The UI's TypeScript bindings are generated from these Rust types; the
    /// committed file must match (set UPDATE_BINDINGS=1 to rewrite it).
    #[test]
    fn ui_bindings_are_up_to_date() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
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
