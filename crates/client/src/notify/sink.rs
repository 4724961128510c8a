//! Showing the policy's decisions through the OS's notification service.

use super::policy::Decision;
use std::collections::HashMap;

/// Where decisions go: the desktop, or a recorder in tests.
pub trait Sink: Send {
    fn apply(&mut self, decision: &Decision);
}

/// Notification servers on Linux and the BSDs may read `<b>` and `&amp;` in the
/// body as markup (dunst does): customer text is escaped so it shows as typed.
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

#[derive(Default)]
struct Shown {
    /// The notification server's id, reused to replace rather than stack.
    #[cfg(all(unix, not(target_os = "macos")))]
    id: u32,
}

/// The OS's notifications via notify-rust: one per conversation, replaced in
/// place; a click reports the conversation through `on_click`.
pub struct DesktopSink {
    shown: HashMap<i64, Shown>,
    #[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
    on_click: std::sync::Arc<dyn Fn(i64) + Send + Sync>,
}

impl DesktopSink {
    pub fn new(on_click: impl Fn(i64) + Send + Sync + 'static) -> DesktopSink {
        DesktopSink {
            shown: HashMap::new(),
            on_click: std::sync::Arc::new(on_click),
        }
    }

    fn show(&mut self, n: &super::policy::Notice) {
        let mut notification = notify_rust::Notification::new();
        notification.appname("Switchboard").summary(&n.title);
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            notification
                .body(&escape_markup(&n.body))
                .action("default", "Open conversation")
                .hint(notify_rust::Hint::Category("im.received".into()));
            if let Some(prev) = self.shown.get(&n.conversation_id) {
                notification.id(prev.id);
            }
        }
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        notification.body(&n.body);
        let handle = match notification.show() {
            Ok(h) => h,
            Err(e) => {
                tracing::warn!("cannot show a notification: {e}");
                return;
            }
        };
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            let id = handle.id();
            let (conversation, on_click) = (n.conversation_id, self.on_click.clone());
            // The server sends a click to the D-Bus connection that last showed the
            // notification, and notify-rust opens one per show: each show gets its
            // own waiter, which ends when the notification is closed.
            std::thread::spawn(move || {
                handle.wait_for_action(|action| {
                    if action == "default" {
                        on_click(conversation);
                    }
                })
            });
            self.shown.insert(n.conversation_id, Shown { id });
        }
        // notify-rust's macOS backend delivers on drop (a kept handle would delay
        // the notification), and neither it nor the Windows one can withdraw or
        // replace a notification, so the handle is not kept there.
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        {
            drop(handle);
            self.shown.insert(n.conversation_id, Shown {});
        }
    }

    fn close(&mut self, conversation: i64) {
        let Some(shown) = self.shown.remove(&conversation) else {
            return;
        };
        // The handle belongs to the click waiter: close it by its id.
        #[cfg(all(unix, not(target_os = "macos")))]
        if let Err(e) = close_by_id(shown.id) {
            tracing::warn!("cannot withdraw a notification: {e}");
        }
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        {
            let _ = shown;
            tracing::debug!("notifications cannot be withdrawn on this OS yet");
        }
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
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_in_customer_text_is_escaped() {
        assert_eq!(
            super::escape_markup("<b>free</b> & <a href='x'>win</a>"),
            "&lt;b&gt;free&lt;/b&gt; &amp; &lt;a href='x'&gt;win&lt;/a&gt;"
        );
    }
}
