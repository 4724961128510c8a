//! Unit tests of the app layer (the engine tests drive it against the real server).

use super::*;

#[tokio::test]
async fn a_listener_that_lags_gets_the_lists_and_the_link_as_it_is_now() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(Some(dir.path().to_path_buf()), false, false).unwrap();
    let mut rx = app.subscribe();
    app.connection.send_replace(ConnectionState::Offline);
    let _ = app.changes.send(Change::Connection {
        state: ConnectionState::Offline,
    });
    // A burst pushes that change out of the channel.
    for id in 0..2000 {
        let _ = app.changes.send(Change::Conversation { id });
    }
    app.connection.send_replace(ConnectionState::Online);
    assert_eq!(rx.next().await, Some(Change::Lists));
    assert_eq!(
        rx.next().await,
        Some(Change::Connection {
            state: ConnectionState::Online
        })
    );
    assert_eq!(
        rx.next().await,
        Some(Change::Conversation { id: 2000 - 1024 })
    );
    assert_eq!(app.connection().await, ConnectionState::Online);
}

#[test]
fn only_web_and_mail_links_open() {
    assert!(openable_link("https://example.com/a?b=c").is_ok());
    assert!(openable_link("http://example.com").is_ok());
    assert!(openable_link("mailto:help@example.com").is_ok());
    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "ftp://example.com",
        "tauri://localhost",
        "not a url",
    ] {
        assert_eq!(
            openable_link(bad).unwrap_err().code,
            codes::INVALID_FIELD,
            "{bad}"
        );
    }
}

/// The OS's "start at login" as a flag, refusing when told to.
struct FakeOs {
    on: Arc<std::sync::Mutex<bool>>,
    refuse: bool,
}

impl Desktop for FakeOs {
    fn starts_at_login(&self) -> std::result::Result<bool, String> {
        Ok(*self.on.lock().unwrap())
    }
    fn start_at_login(&self, on: bool) -> std::result::Result<(), String> {
        if self.refuse {
            return Err("permission denied".into());
        }
        *self.on.lock().unwrap() = on;
        Ok(())
    }
}

#[tokio::test]
async fn starting_at_login_follows_the_setting_and_a_refusal_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(Some(dir.path().to_path_buf()), false, false).unwrap();
    let on = Arc::new(std::sync::Mutex::new(false));
    app.set_desktop(Box::new(FakeOs {
        on: on.clone(),
        refuse: false,
    }));
    let wanted = AppSettings {
        start_at_login: true,
        close_to_tray: true,
        ..AppSettings::default()
    };
    app.set_settings(wanted).await.unwrap();
    assert!(*on.lock().unwrap());
    assert_eq!(app.settings(), wanted);
    // Removed by hand: the next start puts it back.
    *on.lock().unwrap() = false;
    let again = App::new(Some(dir.path().to_path_buf()), false, false).unwrap();
    again.set_desktop(Box::new(FakeOs {
        on: on.clone(),
        refuse: false,
    }));
    assert!(*on.lock().unwrap());

    let refusing = App::new(Some(dir.path().to_path_buf()), false, false).unwrap();
    refusing.set_desktop(Box::new(FakeOs {
        on: on.clone(),
        refuse: true,
    }));
    let err = refusing
        .set_settings(AppSettings::default())
        .await
        .unwrap_err();
    assert_eq!(err.code, codes::DESKTOP);
    assert!(err.message.contains("permission denied"), "{err}");
    assert_eq!(refusing.settings(), wanted, "nothing saved");
}

#[test]
fn settings_from_an_older_version_read_with_the_new_ones_off() {
    let s: AppSettings =
        serde_json::from_str(r#"{"reminder_minutes": 5, "do_not_disturb": false}"#).unwrap();
    assert!(!s.start_at_login && !s.close_to_tray);
}

#[test]
fn settings_map_to_the_notification_policy() {
    let s = AppSettings {
        reminder_minutes: Some(5),
        do_not_disturb: true,
        ..AppSettings::default()
    };
    assert_eq!(s.policy().reminder, Some(Duration::from_secs(300)));
    assert!(s.policy().do_not_disturb);
    let off = AppSettings {
        reminder_minutes: None,
        do_not_disturb: false,
        ..AppSettings::default()
    };
    assert_eq!(off.policy().reminder, None);
}
