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
    assert!(openable_link("https://example.com/a?b=c", Lang::ENGLISH).is_ok());
    assert!(openable_link("http://example.com", Lang::ENGLISH).is_ok());
    assert!(openable_link("mailto:help@example.com", Lang::ENGLISH).is_ok());
    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "ftp://example.com",
        "tauri://localhost",
        "not a url",
    ] {
        assert_eq!(
            openable_link(bad, Lang::ENGLISH).unwrap_err().code,
            ErrorCode::InvalidField,
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
    assert_eq!(err.code, EngineCode::Desktop);
    assert!(err.message.contains("permission denied"), "{err}");
    assert_eq!(refusing.settings(), wanted, "nothing saved");
}

#[test]
fn settings_from_an_older_version_read_with_the_new_ones_off() {
    let s: AppSettings =
        serde_json::from_str(r#"{"reminder_minutes": 5, "do_not_disturb": false}"#).unwrap();
    assert!(!s.start_at_login && !s.close_to_tray);
    assert_eq!(s.snoozed_until, None);
    assert!(s.attention && s.sound, "on unless turned off");
}

#[test]
fn a_snooze_ends_after_its_time_or_tomorrow_morning_on_the_local_clock() {
    use chrono::{FixedOffset, TimeZone};
    let paris = FixedOffset::east_opt(3600).unwrap();
    let now = paris.with_ymd_and_hms(2026, 12, 2, 17, 45, 0).unwrap();
    let at = |c| snooze_end(c, now).map(|t| t.with_timezone(&paris).to_rfc3339());
    assert_eq!(
        at(Snooze::HalfHour).as_deref(),
        Some("2026-12-02T18:15:00+01:00")
    );
    assert_eq!(
        at(Snooze::Hour).as_deref(),
        Some("2026-12-02T18:45:00+01:00")
    );
    assert_eq!(
        at(Snooze::UntilTomorrow).as_deref(),
        Some("2026-12-03T08:00:00+01:00")
    );
    assert_eq!(at(Snooze::Off), None);
    // Late in the evening, across a month's end: the next morning.
    let late = paris.with_ymd_and_hms(2026, 12, 31, 23, 59, 0).unwrap();
    assert_eq!(
        snooze_end(Snooze::UntilTomorrow, late)
            .unwrap()
            .with_timezone(&paris)
            .to_rfc3339(),
        "2027-01-01T08:00:00+01:00"
    );
}

#[test]
fn the_tray_says_until_when_notifications_are_snoozed() {
    use chrono::{FixedOffset, TimeZone};
    let tz = FixedOffset::east_opt(-5 * 3600).unwrap();
    let now = tz.with_ymd_and_hms(2026, 12, 2, 21, 10, 0).unwrap();
    let english = Some(Lang::ENGLISH);
    let status = |s: AppSettings| {
        AppSettings {
            language: english,
            ..s
        }
        .quiet_status(now)
    };
    assert_eq!(status(AppSettings::default()), None);
    let snoozed = |c| AppSettings {
        snoozed_until: snooze_end(c, now),
        ..AppSettings::default()
    };
    assert_eq!(
        status(snoozed(Snooze::HalfHour)).as_deref(),
        Some("Notifications snoozed until 21:40")
    );
    assert_eq!(
        status(snoozed(Snooze::Hour)).as_deref(),
        Some("Notifications snoozed until 22:10")
    );
    assert_eq!(
        status(snoozed(Snooze::UntilTomorrow)).as_deref(),
        Some("Notifications snoozed until tomorrow 08:00")
    );
    let ended = AppSettings {
        snoozed_until: Some(now.with_timezone(&Utc) - chrono::Duration::seconds(1)),
        ..AppSettings::default()
    };
    assert_eq!(status(ended), None);
    let dnd = AppSettings {
        do_not_disturb: true,
        ..snoozed(Snooze::Hour)
    };
    assert_eq!(status(dnd).as_deref(), Some("Do Not Disturb is on"));

    // In French, with French day and month names further on.
    let french = |s: AppSettings| {
        AppSettings {
            language: Lang::from_tag("fr"),
            ..s
        }
        .quiet_status(now)
    };
    assert_eq!(
        french(snoozed(Snooze::UntilTomorrow)).as_deref(),
        Some("Notifications suspendues jusqu'à demain 08:00")
    );
    let later = AppSettings {
        snoozed_until: Some(
            tz.with_ymd_and_hms(2026, 12, 5, 9, 30, 0)
                .unwrap()
                .with_timezone(&Utc),
        ),
        ..AppSettings::default()
    };
    assert_eq!(
        french(later).as_deref(),
        Some("Notifications suspendues jusqu'à sam. 5 déc. 09:30")
    );
    assert_eq!(
        french(AppSettings {
            do_not_disturb: true,
            ..AppSettings::default()
        })
        .as_deref(),
        Some("Ne pas déranger est activé")
    );
}

#[test]
fn the_language_is_the_agents_choice_else_the_os_s_and_unknown_ones_are_refused() {
    let fr = Lang::from_tag("fr").unwrap();
    let chosen = AppSettings {
        language: Some(fr),
        ..AppSettings::default()
    };
    assert_eq!(chosen.lang(), fr);
    // Saved and read back as its tag.
    let json = serde_json::to_value(chosen).unwrap();
    assert_eq!(json["language"], "fr");
    let back: AppSettings = serde_json::from_value(json).unwrap();
    assert_eq!(back.language, Some(fr));
    // No choice: the OS's language (whatever this machine's is, one the app has).
    let system = AppSettings::default();
    assert_eq!(
        serde_json::to_value(system).unwrap()["language"],
        serde_json::Value::Null
    );
    assert!(Lang::all().any(|l| l == system.lang()));
    // A language the app does not have is refused, in words.
    let mut bad = serde_json::to_value(AppSettings::default()).unwrap();
    bad["language"] = "xx".into();
    let err = serde_json::from_value::<AppSettings>(bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("the app has no language \"xx\""), "{err}");
    // Settings files from before the setting read as the OS's language.
    let mut old = serde_json::to_value(AppSettings::default()).unwrap();
    old.as_object_mut().unwrap().remove("language");
    assert_eq!(
        serde_json::from_value::<AppSettings>(old).unwrap().language,
        None
    );
}

#[tokio::test]
async fn a_snooze_is_saved_told_to_listeners_kept_by_other_settings_and_ends_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(Some(dir.path().to_path_buf()), false, false).unwrap();
    let mut rx = app.subscribe();
    let s = app.snooze(Snooze::Hour).await.unwrap();
    let until = s.snoozed_until.expect("snoozed");
    assert!(until > Utc::now() + chrono::Duration::minutes(59));
    assert_eq!(rx.next().await, Some(Change::Settings));
    assert!(app.settings().quiet());
    // The settings dialog saves what it read before: the snooze stays.
    app.set_settings(AppSettings {
        reminder_minutes: Some(10),
        ..AppSettings::default()
    })
    .await
    .unwrap();
    assert_eq!(rx.next().await, Some(Change::Settings));
    assert_eq!(app.settings().snoozed_until, Some(until));
    assert_eq!(app.settings().reminder_minutes, Some(10));
    // Resumed.
    app.snooze(Snooze::Off).await.unwrap();
    assert_eq!(rx.next().await, Some(Change::Settings));
    assert!(!app.settings().quiet());

    // A snooze that ends: the listeners hear it, and it reads as none.
    let soon = AppSettings {
        snoozed_until: Some(Utc::now() + chrono::Duration::milliseconds(300)),
        ..app.settings()
    };
    app.save_settings(&soon).await.unwrap();
    assert_eq!(rx.next().await, Some(Change::Settings));
    assert!(app.settings().quiet());
    let heard = tokio::time::timeout(Duration::from_secs(3), rx.next()).await;
    assert_eq!(heard.unwrap(), Some(Change::Settings));
    assert_eq!(app.settings().snoozed_until, None);
    assert!(!app.settings().quiet());
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

#[tokio::test]
async fn the_first_session_info_waits_for_the_start_up_restore() {
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(App::new(Some(dir.path().to_path_buf()), false, false).unwrap());
    let starting = app.starting().expect("free at first");
    assert!(app.starting().is_none(), "taken once");
    let asking = tokio::spawn({
        let app = app.clone();
        async move { app.session_info().await }
    });
    let listing = tokio::spawn({
        let app = app.clone();
        async move { app.lists().await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !asking.is_finished(),
        "session_info answered while the session was being restored"
    );
    assert!(!listing.is_finished(), "nor lists");
    // No saved session and no demo: the start-up ends signed out.
    app.start_up(starting, None).await;
    let info = tokio::time::timeout(Duration::from_secs(5), asking)
        .await
        .expect("session_info answers once the start-up is done")
        .unwrap()
        .unwrap();
    assert!(info.is_none());
    let lists = listing.await.unwrap();
    assert!(lists.is_err_and(|e| e.code == EngineCode::NotSignedIn));
}
