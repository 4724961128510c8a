//! The baseline of the app's benchmark: a Tauri window with one small page and
//! nothing else, built with the same Tauri, config and profile as the app.
#![allow(clippy::expect_used)]

fn main() {
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(
                app,
                "main",
                tauri::WebviewUrl::App("bare.html".into()),
            )
            .title("bare")
            .inner_size(1200.0, 800.0)
            .build()?;
            Ok(())
        })
        .run(context)
        .expect("the bare window runs");
}
