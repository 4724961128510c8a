//! The app layer every shell uses: sign-in restored across restarts, settings
//! kept, actions through the engine, the chat report and its CSV export, sign-out.

use crate::support::*;
use switchboard_client::{App, AppSettings, ConnectionState, EngineCode, ErrorCode};

fn new_app(w: &World) -> App {
    App::new(Some(w.app_dir("app")), false, false).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_signs_in_restores_acts_reports_and_signs_out() {
    let w = World::new(&[]).await;
    let app = new_app(&w);
    assert_eq!(app.session_info().await.unwrap(), None);
    assert_eq!(app.lists().await.unwrap_err().code, EngineCode::NotSignedIn);
    let bad = app
        .sign_in(&w.server.base, &w.agents[0].2, "wrong")
        .await
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidCredentials);

    let info = app
        .sign_in(&w.server.base, &w.agents[0].2, PASSWORD)
        .await
        .unwrap();
    assert_eq!(info.me.name, "Alice");
    let (id, _) = w.customer("Maria", "Hello, my parcel is late").await;
    eventually("Maria in the queue", || {
        // Her message, not only her conversation (they arrive as two events).
        futures_lite(app.lists()).and_then(|l| {
            l.queue
                .iter()
                .find(|c| c.id == id && c.unanswered.is_some())
                .map(|_| ())
        })
    })
    .await;
    assert_eq!(app.unanswered_count().await, 1);
    app.take(id).await.unwrap();
    app.reply(id, "On its way").await.unwrap();
    eventually("the reply delivered", || {
        let v = futures_lite(app.conversation(id))?;
        (v.outbox.is_empty() && v.conversation.unanswered.is_none()).then_some(())
    })
    .await;

    // Settings are kept in the data directory.
    let s = AppSettings {
        reminder_minutes: Some(5),
        do_not_disturb: true,
        ..AppSettings::default()
    };
    app.set_settings(s).await.unwrap();
    assert_eq!(app.settings(), s);
    let too_long = AppSettings {
        reminder_minutes: Some(100_000),
        do_not_disturb: false,
        ..AppSettings::default()
    };
    assert_eq!(
        app.set_settings(too_long).await.unwrap_err().code,
        ErrorCode::InvalidField
    );
    for months in [0, 121] {
        let odd = AppSettings {
            archive_months: Some(months),
            ..AppSettings::default()
        };
        assert_eq!(
            app.set_settings(odd).await.unwrap_err().code,
            ErrorCode::InvalidField,
            "{months} months of archive"
        );
    }
    // A cap the engine applies: the conversation Alice answered is still open,
    // so a year's archive keeps the lists as they are.
    let capped = AppSettings {
        archive_months: Some(12),
        ..s
    };
    app.set_settings(capped).await.unwrap();
    assert_eq!(app.settings().archive_months, Some(12));
    assert!(futures_lite(app.lists()).is_some_and(|l| l.mine.iter().any(|c| c.id == id)));
    app.set_settings(s).await.unwrap();

    // The report and its CSV export.
    let from = chrono::Utc::now() - chrono::Duration::hours(1);
    let to = chrono::Utc::now() + chrono::Duration::hours(1);
    let report = app.chat_report(from, to, None).await.unwrap();
    assert_eq!(report.agents.len(), 1);
    assert_eq!(report.agents[0].figures.handled, 1);
    let dir = w.tmp.path().join("downloads");
    let path = app.export_chat_report(from, to, None, &dir).await.unwrap();
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(csv
        .trim_start_matches('\u{feff}')
        .starts_with("agent_id,agent,"));
    assert!(csv.contains("Alice"));
    // In the app's language.
    let french = AppSettings {
        language: switchboard_i18n::Lang::from_tag("fr"),
        ..s
    };
    app.set_settings(french).await.unwrap();
    let path = app.export_chat_report(from, to, None, &dir).await.unwrap();
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("id_agent,agent,du,au,prises_en_charge,"),
        "{csv}"
    );
    app.set_settings(s).await.unwrap();
    let bob = w.agents[1].0;
    assert_eq!(
        app.chat_report(from, to, Some(bob)).await.unwrap_err().code,
        ErrorCode::Forbidden
    );

    // A new app on the same data directory (a restart) is still signed in.
    drop(app);
    let again = new_app(&w);
    let restored = again.session_info().await.unwrap().expect("restored");
    assert_eq!(restored.me.name, "Alice");
    assert_eq!(again.settings(), s);
    eventually("online after the restart", || {
        (futures_lite(async { Ok(again.connection().await) })? == ConnectionState::Online)
            .then_some(())
    })
    .await;
    again.sign_out().await.unwrap();
    assert_eq!(again.session_info().await.unwrap(), None);
    assert_eq!(again.connection().await, ConnectionState::SignedOut);
}

/// Runs a short future to completion from a synchronous `eventually` closure.
pub fn futures_lite<T>(
    f: impl std::future::Future<Output = switchboard_client::Result<T>>,
) -> Option<T> {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(f)).ok()
}
