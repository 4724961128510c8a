//! Showing the policy's decisions through the OS's notification service.

use super::policy::Decision;
#[cfg(not(windows))]
use std::collections::HashMap;

/// Where decisions go: the desktop, or a recorder in tests.
pub trait Sink: Send {
    fn apply(&mut self, decision: &Decision);
}

/// Notification servers on Linux and the BSDs may read `<b>` and `&amp;` in the
/// body as markup (dunst does): customer text is escaped so it shows as typed.
#[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The app's identity towards the OS's notification centre: on Windows the
/// AppUserModelID that the installer's Start-menu shortcut carries, on macOS the
/// bundle identifier. Set once by the shell at start.
static IDENTITY: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The PowerShell's AppUserModelID: Windows shows toasts only for an id a
/// Start-menu shortcut carries, and a build run from `target/` has none.
pub const POWERSHELL_APP_ID: &str =
    "{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe";

/// The Windows AppUserModelID for toasts: the app's identifier when installed,
/// the PowerShell's when run from a Cargo target directory (as
/// tauri-plugin-notification does).
pub fn windows_app_id(identifier: &str, exe: &std::path::Path) -> String {
    // `…/target/debug/x.exe`, `…/target-windows/<triple>/release/x.exe`.
    let path = exe.to_string_lossy().replace('\\', "/");
    let dirs: Vec<&str> = path.split('/').collect();
    let dirs = &dirs[..dirs.len().saturating_sub(1)];
    let dev = matches!(dirs.last(), Some(&("debug" | "release")))
        && dirs.iter().any(|p| p.starts_with("target"));
    if dev {
        POWERSHELL_APP_ID.to_string()
    } else {
        identifier.to_string()
    }
}

/// Tells the notification centre who the app is (the bundle identifier, e.g.
/// `com.switchboard.desktop`). Once, before the first notification.
pub fn set_identity(identifier: &str) {
    let exe = std::env::current_exe().unwrap_or_default();
    let id = if cfg!(windows) {
        windows_app_id(identifier, &exe)
    } else {
        identifier.to_string()
    };
    #[cfg(target_os = "macos")]
    if let Err(e) = notify_rust::set_application(&id) {
        // An unbundled build: notify-rust falls back to a stand-in sender.
        tracing::warn!("notifications will not carry the app's name: {e}");
    }
    let _ = IDENTITY.set(id);
}

#[cfg_attr(not(windows), allow(dead_code))]
fn identity() -> &'static str {
    IDENTITY
        .get()
        .map(String::as_str)
        .unwrap_or(POWERSHELL_APP_ID)
}

#[cfg(not(windows))]
#[derive(Default)]
struct Shown {
    /// The notification server's id, reused to replace rather than stack.
    #[cfg(all(unix, not(target_os = "macos")))]
    id: u32,
}

/// The freedesktop sound theme's name for an incoming chat message.
#[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
pub const SOUND_NAME: &str = "message-new-instant";

/// The OS's notifications: one per conversation, replaced in place; a click
/// reports the conversation through `on_click`. Linux and the BSDs through
/// notify-rust (freedesktop), Windows through WinRT toasts tagged per
/// conversation ([`super::toast`]), macOS through notify-rust.
pub struct DesktopSink {
    #[cfg(not(windows))]
    shown: HashMap<i64, Shown>,
    #[cfg(windows)]
    toasts: super::toast::Toasts,
    on_click: std::sync::Arc<dyn Fn(i64) + Send + Sync>,
}

impl DesktopSink {
    pub fn new(on_click: impl Fn(i64) + Send + Sync + 'static) -> DesktopSink {
        DesktopSink {
            #[cfg(not(windows))]
            shown: HashMap::new(),
            #[cfg(windows)]
            toasts: super::toast::Toasts::new(identity()),
            on_click: std::sync::Arc::new(on_click),
        }
    }

    #[cfg(windows)]
    fn show(&mut self, n: &super::policy::Notice) {
        let on_click = self.on_click.clone();
        if let Err(e) = self.toasts.show(n, move |id| on_click(id)) {
            tracing::warn!("cannot show a notification: {e}");
        }
    }

    #[cfg(windows)]
    fn close(&mut self, conversation: i64) {
        if let Err(e) = self.toasts.withdraw(conversation) {
            tracing::warn!("cannot withdraw a notification: {e}");
        }
    }

    #[cfg(not(windows))]
    fn show(&mut self, n: &super::policy::Notice) {
        let mut notification = notify_rust::Notification::new();
        notification.appname("Switchboard").summary(&n.title);
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            notification
                .body(&escape_markup(&n.body))
                .action("default", &n.open)
                .hint(notify_rust::Hint::Category("im.received".into()));
            if n.sound {
                notification.hint(notify_rust::Hint::SoundName(SOUND_NAME.into()));
            } else {
                notification.hint(notify_rust::Hint::SuppressSound(true));
            }
            if let Some(prev) = self.shown.get(&n.conversation_id) {
                notification.id(prev.id);
            }
        }
        #[cfg(target_os = "macos")]
        {
            notification.body(&n.body);
            if n.sound {
                notification.sound_name("default");
            }
        }
        let handle = match notification.show() {
            Ok(h) => h,
            Err(e) => {
                tracing::warn!("cannot show a notification: {e}");
                return;
            }
        };
        #[cfg(all(unix, not(target_os = "macos")))]
        let shown = Shown { id: handle.id() };
        #[cfg(target_os = "macos")]
        let shown = Shown {};
        let (conversation, on_click) = (n.conversation_id, self.on_click.clone());
        // Linux: the server sends a click to the D-Bus connection that last showed
        // the notification, and notify-rust opens one per show, so each show gets
        // its own waiter, which ends when the notification is closed. macOS:
        // notify-rust delivers the notification when it is waited on (or dropped),
        // so the waiter is also what shows it.
        std::thread::spawn(move || {
            handle.wait_for_action(|action| {
                if action == "default" {
                    on_click(conversation);
                }
            })
        });
        self.shown.insert(n.conversation_id, shown);
    }

    #[cfg(not(windows))]
    fn close(&mut self, conversation: i64) {
        let Some(shown) = self.shown.remove(&conversation) else {
            return;
        };
        // The handle belongs to the click waiter: close it by its id.
        #[cfg(all(unix, not(target_os = "macos")))]
        if let Err(e) = close_by_id(shown.id) {
            tracing::warn!("cannot withdraw a notification: {e}");
        }
        // notify-rust's macOS backend cannot withdraw a delivered notification.
        #[cfg(target_os = "macos")]
        let _ = shown;
    }
}

/// Asks the notification server to close notification `id` (the freedesktop
/// `CloseNotification` call). Showing an empty replacement first and closing that,
/// the only way through notify-rust without the handle, left an empty entry in the
/// daemon's history for every withdrawn notification.
#[cfg(all(unix, not(target_os = "macos")))]
fn close_by_id(id: u32) -> zbus::Result<()> {
    zbus::block_on(async {
        let conn = zbus::Connection::session().await?;
        conn.call_method(
            Some("org.freedesktop.Notifications"),
            "/org/freedesktop/Notifications",
            Some("org.freedesktop.Notifications"),
            "CloseNotification",
            &(id,),
        )
        .await?;
        Ok(())
    })
}

impl Sink for DesktopSink {
    fn apply(&mut self, decision: &Decision) {
        match decision {
            Decision::Show(n) => self.show(n),
            Decision::Close { conversation_id } => self.close(*conversation_id),
            // The shell's business (the window), sent to it as a change.
            Decision::Attention { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_build_run_from_a_target_directory_borrows_the_powershell_id_for_its_toasts() {
        use std::path::Path;
        let id = "com.switchboard.desktop";
        let app = |p: &str| super::windows_app_id(id, Path::new(p));
        assert_eq!(app("C:/Program Files/Switchboard/switchboard.exe"), id);
        assert_eq!(
            app("C:/Users/a/AppData/Local/Switchboard/switchboard.exe"),
            id
        );
        assert_eq!(
            app("C:/src/switchboard/target/debug/switchboard.exe"),
            super::POWERSHELL_APP_ID
        );
        assert_eq!(
            app(r"C:\src\switchboard\target\release\switchboard.exe"),
            super::POWERSHELL_APP_ID
        );
        assert_eq!(
            app("/var/cache/target-windows/x86_64-pc-windows-gnu/debug/switchboard.exe"),
            super::POWERSHELL_APP_ID
        );
    }

    #[test]
    fn markup_in_customer_text_is_escaped() {
        assert_eq!(
            super::escape_markup("<b>free</b> & <a href='x'>win</a>"),
            "&lt;b&gt;free&lt;/b&gt; &amp; &lt;a href='x'&gt;win&lt;/a&gt;"
        );
    }
}
