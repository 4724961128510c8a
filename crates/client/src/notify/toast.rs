//! Windows toasts through WinRT (the `windows` crate, already built for Tauri):
//! one per conversation, tagged with its id in one group, so a newer toast
//! replaces the older in place and an answered conversation's toast is
//! withdrawn from the Action Center too. notify-rust's Windows backend sets no
//! tag and cannot withdraw, and it reports a click on the toast's body as a close.
//!
//! The XML is built here on every OS, so its escaping is tested where the tests run.

/// The toast group every conversation's toast belongs to.
#[cfg_attr(not(windows), allow(dead_code))]
pub const GROUP: &str = "conversations";

/// Text as XML character data: markup and quotes escaped, and the characters
/// XML 1.0 cannot carry at all (control characters, U+FFFE, U+FFFF) dropped,
/// since a toast whose XML does not parse is not shown.
fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{0}'..='\u{8}'
            | '\u{b}'
            | '\u{c}'
            | '\u{e}'..='\u{1f}'
            | '\u{fffe}'
            | '\u{ffff}' => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The toast's XML: the customer (title), the preview, and the chat-message
/// sound or none.
pub fn toast_xml(conversation_id: i64, title: &str, body: &str, sound: bool) -> String {
    let audio = if sound {
        r#"<audio src="ms-winsoundevent:Notification.IM"/>"#
    } else {
        r#"<audio silent="true"/>"#
    };
    format!(
        r#"<toast launch="conversation={conversation_id}"><visual><binding template="ToastGeneric"><text>{}</text><text>{}</text></binding></visual>{audio}</toast>"#,
        xml_text(title),
        xml_text(body),
    )
}

#[cfg(windows)]
pub use imp::Toasts;

#[cfg(windows)]
mod imp {
    use super::{toast_xml, GROUP};
    use crate::notify::policy::Notice;
    use std::collections::HashMap;
    use windows::core::HSTRING;
    use windows::Data::Xml::Dom::XmlDocument;
    use windows::Foundation::TypedEventHandler;
    use windows::UI::Notifications::{ToastNotification, ToastNotificationManager};

    /// The toasts on screen, by conversation.
    pub struct Toasts {
        app_id: HSTRING,
        /// Kept so their click handlers live as long as they are shown.
        shown: HashMap<i64, ToastNotification>,
    }

    impl Toasts {
        pub fn new(app_id: &str) -> Toasts {
            Toasts {
                app_id: HSTRING::from(app_id),
                shown: HashMap::new(),
            }
        }

        /// Shows (or replaces) the conversation's toast; a click on it calls
        /// `on_click` with the conversation.
        pub fn show(
            &mut self,
            n: &Notice,
            on_click: impl Fn(i64) + Send + 'static,
        ) -> windows::core::Result<()> {
            let doc = XmlDocument::new()?;
            doc.LoadXml(&HSTRING::from(toast_xml(
                n.conversation_id,
                &n.title,
                &n.body,
                n.sound,
            )))?;
            let toast = ToastNotification::CreateToastNotification(&doc)?;
            toast.SetTag(&HSTRING::from(n.conversation_id.to_string()))?;
            toast.SetGroup(&HSTRING::from(GROUP))?;
            let conversation = n.conversation_id;
            toast.Activated(&TypedEventHandler::new(move |_, _| {
                on_click(conversation);
                Ok(())
            }))?;
            ToastNotificationManager::CreateToastNotifierWithId(&self.app_id)?.Show(&toast)?;
            self.shown.insert(n.conversation_id, toast);
            Ok(())
        }

        /// Withdraws the conversation's toast, from the screen and the Action Center.
        pub fn withdraw(&mut self, conversation: i64) -> windows::core::Result<()> {
            if self.shown.remove(&conversation).is_none() {
                return Ok(());
            }
            ToastNotificationManager::History()?.RemoveGroupedTagWithId(
                &HSTRING::from(conversation.to_string()),
                &HSTRING::from(GROUP),
                &self.app_id,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::toast_xml;

    #[test]
    fn customer_text_cannot_break_out_of_the_toast() {
        let xml = toast_xml(
            7,
            "Ada <script> & \"Co\"",
            "</text><action content='x'/>\u{1}\u{FFFF} ok",
            false,
        );
        assert_eq!(
            xml,
            r#"<toast launch="conversation=7"><visual><binding template="ToastGeneric"><text>Ada &lt;script&gt; &amp; &quot;Co&quot;</text><text>&lt;/text&gt;&lt;action content=&apos;x&apos;/&gt; ok</text></binding></visual><audio silent="true"/></toast>"#
        );
        assert!(toast_xml(7, "a", "b", true).contains("Notification.IM"));
    }
}
