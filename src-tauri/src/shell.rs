//! The Tauri side: the builder with its commands and plugins, the tray with the
//! unanswered count, and bringing the window forward on a notification click.

use crate::commands::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use switchboard_client::app::Desktop;
use switchboard_client::{App, Change, Snooze};
use switchboard_i18n::{tr, Lang};
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, UserAttentionType, Wry};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// The typed command list, shared by the app and the bindings export.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        session_info,
        sign_in,
        sign_out,
        changes,
        lists,
        archive_rows,
        conversation,
        refresh_conversation,
        search,
        search_in,
        subjects,
        take,
        free,
        reopen,
        spam,
        transfer,
        team,
        availability,
        set_availability,
        set_capacity,
        blocked_customers,
        unblock,
        erase_customer,
        canned_replies,
        canned_text,
        save_canned_reply,
        delete_canned_reply,
        reply,
        note,
        typing,
        end,
        outbox,
        dismiss,
        connection,
        settings,
        set_settings,
        language,
        snooze,
        set_view,
        agents,
        chat_report,
        export_chat_report,
        open_link,
        crate::files::choose_files::<tauri::Wry>,
        crate::files::save_attachment,
    ])
}

/// Commands outside the typed bindings: they take the request's raw bytes.
pub const RAW_COMMANDS: &[&str] = &["attach_file"];

/// The UI's TypeScript bindings, as committed in `ui/src/lib/bindings.ts`.
#[cfg(test)]
pub fn bindings() -> Result<String, String> {
    let ts = specta_typescript::Typescript::default()
        .header(
            "// Generated from the Rust types by tauri-specta (src-tauri/src/shell.rs): do not edit.\n\
             // Unchecked by tsc: the generator leaves unused helpers; the types it exports are checked where used.\n\
             // @ts-nocheck\n/* eslint-disable */",
        )
        .bigint(specta_typescript::BigIntExportBehavior::Number);
    // One file per call: tests export the bindings on several threads at once.
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let tmp = std::env::temp_dir().join(format!(
        "switchboard-bindings-{}-{}.ts",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::SeqCst)
    ));
    specta_builder()
        .export(ts, &tmp)
        .map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&tmp).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&tmp);
    // tauri-specta rc.21 also declares the IPC channel type it imports under the
    // same name; the import is the real one.
    Ok(text
        .lines()
        .filter(|l| l.trim() != "export type TAURI_CHANNEL<TSend> = null")
        .map(|l| format!("{l}\n"))
        .collect())
}

/// Why the app cannot open a window here, if it cannot (instead of a panic deep
/// inside GTK).
pub fn no_display() -> Option<String> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        let has = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
        if !has("DISPLAY") && !has("WAYLAND_DISPLAY") {
            return Some(
                "no graphical display: neither DISPLAY nor WAYLAND_DISPLAY is set. Run it in a desktop session (or under xvfb-run for tests)."
                    .into(),
            );
        }
    }
    None
}

/// The app's data directory: `SWITCHBOARD_DATA_DIR` (tests, several profiles) or
/// the platform's.
fn data_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("SWITCHBOARD_DATA_DIR").map(Into::into)
}

/// The demo signs in by itself: `SWITCHBOARD_DEMO_SIGN_IN="SERVER EMAIL PASSWORD"`,
/// used only when no session is saved.
fn demo_account() -> Option<(String, String, String)> {
    let spec = std::env::var("SWITCHBOARD_DEMO_SIGN_IN").ok()?;
    // The password is the rest of the line: it may contain spaces.
    let mut parts = spec.trim().splitn(3, ' ');
    Some((
        parts.next()?.to_string(),
        parts.next()?.to_string(),
        parts.next()?.to_string(),
    ))
}

fn show_main(handle: &AppHandle) {
    if let Some(w) = handle.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// The tray icon and the menu items that follow the app's state.
struct Tray {
    icon: TrayIcon,
    /// What notifications do now: on, snoozed until…, Do Not Disturb.
    status: MenuItem<Wry>,
    resume: MenuItem<Wry>,
    /// Checked while the agent is available (unchecked: away).
    available: CheckMenuItem<Wry>,
    snoozes: Vec<MenuItem<Wry>>,
    open: MenuItem<Wry>,
    quit: MenuItem<Wry>,
    /// The language the menu's words are in.
    lang: Lang,
    /// The app's icon, and the same greyed while notifications are quiet.
    normal: Option<Image<'static>>,
    greyed: Option<Image<'static>>,
    quiet: Option<bool>,
}

/// The tray menu's snooze entries: menu id, message id, snooze.
const SNOOZES: [(&str, &str, Snooze); 3] = [
    (
        "snooze-half-hour",
        "tray-snooze-half-hour",
        Snooze::HalfHour,
    ),
    ("snooze-hour", "tray-snooze-hour", Snooze::Hour),
    (
        "snooze-tomorrow",
        "tray-snooze-tomorrow",
        Snooze::UntilTomorrow,
    ),
];
/// The entry that ends a snooze (greyed out while none runs).
const RESUME: &str = "snooze-off";
/// The entry that switches between available and away.
const AVAILABLE: &str = "available";

/// Switches the signed-in agent between available and away.
async fn toggle_availability(app: &App) -> switchboard_client::Result<()> {
    use switchboard_protocol::Availability;
    let next = match app.availability().await? {
        Availability::Available => Availability::Away,
        Availability::Away => Availability::Available,
    };
    app.set_availability(next).await
}

fn tray(handle: &AppHandle) -> tauri::Result<Tray> {
    let lang = handle.state::<App>().settings().lang();
    let item = |id: &str, words: &str, enabled: bool| {
        MenuItem::with_id(handle, id, lang.text(words), enabled, None::<&str>)
    };
    let status = item("status", "tray-notifications-on", false)?;
    let snoozes = SNOOZES
        .iter()
        .map(|(id, words, _)| item(id, words, true))
        .collect::<tauri::Result<Vec<_>>>()?;
    let resume = item(RESUME, "tray-resume", false)?;
    let available = CheckMenuItem::with_id(
        handle,
        AVAILABLE,
        lang.text("tray-available"),
        true,
        true,
        None::<&str>,
    )?;
    let open = item("open", "tray-open", true)?;
    let quit = item("quit", "tray-quit", true)?;
    let line = || PredefinedMenuItem::separator(handle);
    let (l0, l1, l2) = (line()?, line()?, line()?);
    let mut items: Vec<&dyn IsMenuItem<Wry>> = vec![&available, &l0, &status];
    items.extend(snoozes.iter().map(|i| i as &dyn IsMenuItem<Wry>));
    items.extend([&resume as &dyn IsMenuItem<Wry>, &l1, &open, &l2, &quit]);
    let menu = Menu::with_items(handle, &items)?;
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip("Switchboard")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|h, e| match e.id().as_ref() {
            "open" => show_main(h),
            "quit" => h.exit(0),
            AVAILABLE => {
                let h = h.clone();
                tauri::async_runtime::spawn(async move {
                    if let Err(e) = toggle_availability(&h.state::<App>()).await {
                        tracing::warn!("availability: {e}");
                    }
                });
            }
            id => {
                let choice = match SNOOZES.iter().find(|(s, _, _)| *s == id) {
                    Some((_, _, choice)) => Some(*choice),
                    None => (id == RESUME).then_some(Snooze::Off),
                };
                if let Some(choice) = choice {
                    let h = h.clone();
                    tauri::async_runtime::spawn(async move {
                        if let Err(e) = h.state::<App>().snooze(choice).await {
                            tracing::warn!("snooze: {e}");
                        }
                    });
                }
            }
        })
        .on_tray_icon_event(|t, e| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = e
            {
                show_main(t.app_handle());
            }
        });
    let normal = handle.default_window_icon().map(|i| i.clone().to_owned());
    if let Some(icon) = &normal {
        builder = builder.icon(icon.clone());
    }
    let greyed = normal.as_ref().map(|i| {
        Image::new_owned(
            switchboard_client::notify::badge::greyed(i.rgba()),
            i.width(),
            i.height(),
        )
    });
    Ok(Tray {
        icon: builder.build(handle)?,
        status,
        resume,
        available,
        snoozes,
        open,
        quit,
        lang,
        normal,
        greyed,
        quiet: None,
    })
}

/// The waiting count and the state of notifications, on the tray, the
/// taskbar or dock icon, and the window's attention.
struct Desk {
    handle: AppHandle,
    tray: Option<Tray>,
    #[cfg(all(unix, not(target_os = "macos")))]
    launcher: switchboard_client::notify::badge::LauncherBadge,
}

impl Desk {
    fn new(handle: AppHandle, tray: Option<Tray>) -> Desk {
        #[cfg(all(unix, not(target_os = "macos")))]
        let launcher = switchboard_client::notify::badge::LauncherBadge::new(&format!(
            "{}.desktop",
            handle.package_info().name
        ));
        Desk {
            handle,
            tray,
            #[cfg(all(unix, not(target_os = "macos")))]
            launcher,
        }
    }

    /// How many customers wait, on the tray icon and the taskbar or dock.
    async fn show_count(&mut self) {
        let app = self.handle.state::<App>();
        let n = app.unanswered_count().await;
        let settings = app.settings();
        if let Some(t) = &self.tray {
            let mut tip = tr!(settings.lang(), "tray-waiting", count = n);
            if let Some(quiet) = settings.quiet_status(chrono::Local::now()) {
                tip = format!("{tip} · {quiet}");
            }
            let _ = t.icon.set_tooltip(Some(&tip));
            // A label beside the icon where the desktop shows one (Linux, macOS).
            let _ = t.icon.set_title((n > 0).then(|| n.to_string()));
        }
        #[cfg(all(unix, not(target_os = "macos")))]
        if let Err(e) = self.launcher.set(n).await {
            tracing::debug!("launcher count: {e}");
        }
        #[cfg(any(windows, target_os = "macos"))]
        if let Some(w) = self.handle.get_webview_window("main") {
            #[cfg(target_os = "macos")]
            let _ = w.set_badge_count((n > 0).then_some(n as i64));
            #[cfg(windows)]
            {
                use switchboard_client::notify::badge::{overlay_icon, OVERLAY_SIZE};
                let icon =
                    overlay_icon(n).map(|rgba| Image::new_owned(rgba, OVERLAY_SIZE, OVERLAY_SIZE));
                let _ = w.set_overlay_icon(icon);
            }
        }
    }

    /// Whether notifications are on, snoozed (until when) or off, in the tray.
    fn show_quiet(&mut self) {
        let Some(t) = &mut self.tray else {
            return;
        };
        let settings = self.handle.state::<App>().settings();
        let lang = settings.lang();
        if t.lang != lang {
            t.lang = lang;
            for (item, (_, words, _)) in t.snoozes.iter().zip(SNOOZES) {
                let _ = item.set_text(lang.text(words));
            }
            let _ = t.resume.set_text(lang.text("tray-resume"));
            let _ = t.available.set_text(lang.text("tray-available"));
            let _ = t.open.set_text(lang.text("tray-open"));
            let _ = t.quit.set_text(lang.text("tray-quit"));
        }
        let status = settings
            .quiet_status(chrono::Local::now())
            .unwrap_or_else(|| lang.text("tray-notifications-on"));
        let _ = t.status.set_text(status);
        let _ = t.resume.set_enabled(settings.snoozed_until.is_some());
        let quiet = settings.quiet();
        if t.quiet != Some(quiet) {
            t.quiet = Some(quiet);
            let icon = if quiet { &t.greyed } else { &t.normal };
            if let Some(icon) = icon {
                let _ = t.icon.set_icon(Some(icon.clone()));
            }
        }
    }

    /// Available or away, in the tray (a click on the entry toggles its check
    /// mark before the server confirms; this puts back what holds).
    async fn show_availability(&mut self) {
        let Some(t) = &self.tray else {
            return;
        };
        let app = self.handle.state::<App>();
        let available = !matches!(
            app.availability().await,
            Ok(switchboard_protocol::Availability::Away)
        );
        let _ = t.available.set_checked(available);
    }

    /// Flashes the taskbar entry or bounces the dock icon until the window is focused.
    fn call_attention(&self) {
        if let Some(w) = self.handle.get_webview_window("main") {
            if !w.is_focused().unwrap_or(false) {
                let _ = w.request_user_attention(Some(UserAttentionType::Informational));
            }
        }
    }
}

/// Keeps the tray, the badge and the attention call current, and brings the
/// window forward on a notification click.
fn follow_changes(handle: AppHandle, tray: Option<Tray>) {
    let mut rx = handle.state::<App>().subscribe();
    let mut desk = Desk::new(handle.clone(), tray);
    tauri::async_runtime::spawn(async move {
        desk.show_quiet();
        desk.show_count().await;
        desk.show_availability().await;
        while let Some(change) = rx.next().await {
            match change {
                Change::NotificationClicked { .. } => show_main(&handle),
                Change::Attention { .. } => desk.call_attention(),
                Change::Settings => {
                    desk.show_quiet();
                    desk.show_count().await;
                }
                Change::Team => desk.show_availability().await,
                Change::Lists | Change::Connection { .. } => {
                    desk.show_count().await;
                    desk.show_availability().await;
                }
                Change::Rows { .. } | Change::Conversation { .. } => {
                    desk.show_count().await;
                }
                _ => {}
            }
        }
    });
}

/// Saves the window's size and position shortly after it stops moving, so a
/// crash or a killed session does not lose them (the plugin itself saves only
/// when the window closes and the app exits).
fn save_geometry_soon(handle: &AppHandle) {
    static LATEST: AtomicU64 = AtomicU64::new(0);
    let this = LATEST.fetch_add(1, Ordering::SeqCst) + 1;
    let handle = handle.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        if LATEST.load(Ordering::SeqCst) == this {
            if let Err(e) = handle.save_window_state(StateFlags::all()) {
                tracing::warn!("saving the window's geometry: {e}");
            }
        }
    });
}

/// The argument the login entry starts the app with: straight to the tray.
const MINIMIZED: &str = "--minimized";

/// Starting at login through the OS's own mechanism (tauri-plugin-autostart).
struct AutoStart(AppHandle);

impl Desktop for AutoStart {
    fn starts_at_login(&self) -> Result<bool, String> {
        use tauri_plugin_autostart::ManagerExt;
        self.0.autolaunch().is_enabled().map_err(|e| e.to_string())
    }

    fn start_at_login(&self, on: bool) -> Result<(), String> {
        use tauri_plugin_autostart::ManagerExt;
        let manager = self.0.autolaunch();
        if on {
            manager.enable()
        } else {
            manager.disable()
        }
        .map_err(|e| e.to_string())
    }
}

/// One app per data directory: the second launch hands over and quits. On Linux
/// the plugin's D-Bus name carries the data directory, so a test's or another
/// profile's app (`SWITCHBOARD_DATA_DIR`) is not mistaken for the agent's.
fn single_instance() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    let mut builder = tauri_plugin_single_instance::Builder::new()
        .callback(|handle, _args, _cwd| show_main(handle));
    if let Some(dir) = data_dir() {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        dir.hash(&mut h);
        builder = builder.dbus_id(format!("com.switchboard.app.p{:016x}", h.finish()));
    }
    builder.build()
}

/// Builds and runs the app until it quits.
pub fn run() -> Result<(), String> {
    let app = App::new(data_dir(), true, true).map_err(|e| e.to_string())?;
    let builder = specta_builder();
    switchboard_client::startup_mark("tauri builder");
    let tauri_builder = tauri::Builder::default()
        // First, so a second launch goes no further.
        .plugin(single_instance());
    // The file chooser on Windows and macOS (Linux uses GTK's own: files.rs).
    #[cfg(any(windows, target_os = "macos"))]
    let tauri_builder = tauri_builder.plugin(tauri_plugin_dialog::init());
    tauri_builder
        .plugin(
            tauri_plugin_autostart::Builder::new()
                .arg(MINIMIZED)
                .build(),
        )
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler({
            let typed = builder.invoke_handler();
            let raw: fn(tauri::ipc::Invoke<Wry>) -> bool =
                tauri::generate_handler![crate::files::attach_file];
            move |invoke: tauri::ipc::Invoke<Wry>| {
                if RAW_COMMANDS.contains(&invoke.message.command()) {
                    raw(invoke)
                } else {
                    typed(invoke)
                }
            }
        })
        .register_asynchronous_uri_scheme_protocol(crate::files::PROTOCOL, crate::files::protocol)
        .manage(app)
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_) => {
                save_geometry_soon(window.app_handle());
            }
            // The agent is here: stop flashing (GTK keeps its urgency hint until told).
            tauri::WindowEvent::Focused(true) => {
                let _ = window.request_user_attention(None);
            }
            // Closing keeps the app (notifications, the tray count) when the agent
            // chose so and there is a tray to come back from; Quit is in its menu.
            tauri::WindowEvent::CloseRequested { api, .. }
                if window.app_handle().state::<App>().settings().close_to_tray
                    && window.app_handle().tray_by_id("main").is_some() =>
            {
                api.prevent_close();
                let _ = window.hide();
            }
            _ => {}
        })
        .setup(move |tauri_app| {
            switchboard_client::startup_mark("setup");
            let handle = tauri_app.handle().clone();
            switchboard_client::notify::sink::set_identity(&tauri_app.config().identifier);
            handle
                .state::<App>()
                .set_desktop(Box::new(AutoStart(handle.clone())));
            if std::env::args().any(|a| a == MINIMIZED) {
                if let Some(w) = handle.get_webview_window("main") {
                    let _ = w.hide();
                }
            }
            switchboard_client::startup_mark("tray");
            let tray = match tray(&handle) {
                Ok(t) => Some(t),
                Err(e) => {
                    tracing::warn!("no tray icon: {e}");
                    None
                }
            };
            // The saved session (cache, engine) is restored while the window
            // loads; the window's first session_info waits for it, so the demo
            // opens signed in too.
            if let Some(starting) = handle.state::<App>().starting() {
                let h = handle.clone();
                tauri::async_runtime::spawn(async move {
                    h.state::<App>().start_up(starting, demo_account()).await;
                });
            }
            follow_changes(handle, tray);
            switchboard_client::startup_mark("setup done");
            Ok(())
        })
        .run(tauri::generate_context!())
        .map_err(|e| e.to_string())
}
