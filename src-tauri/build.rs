//! Declares the app's own commands (`src/command_list.rs`), so the capability
//! file can grant the main window exactly these and nothing broader.

include!("src/command_list.rs");

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .unwrap_or_else(|e| panic!("tauri-build: {e}"));
}
