//! Signing in, staying signed in, signing out; clear errors for bad servers.

use crate::support::*;
use switchboard_client::{Accounts, TokenStore};

#[tokio::test]
async fn sign_in_errors_are_clear() {
    let w = World::new(&[]).await;
    let accounts = Accounts::new(Some(w.app_dir("errors")), false).unwrap();
    let email = &w.agents[0].2;
    let err = accounts
        .sign_in("not a server", email, PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.code, "bad_address");
    let err = accounts
        .sign_in("ftp://example.com", email, PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.code, "bad_address");
    // Nothing listens on port 9 of loopback.
    let err = accounts
        .sign_in("http://127.0.0.1:9", email, PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.code, "unreachable");
    let err = accounts
        .sign_in(&w.server.base, email, "wrong password")
        .await
        .unwrap_err();
    assert_eq!(err.code, "invalid_credentials");
    assert!(accounts.restore().await.unwrap().is_none());
}

#[tokio::test]
async fn the_session_survives_a_restart_and_sign_out_clears_it() {
    let w = World::new(&[]).await;
    let dir = w.app_dir("session");
    let accounts = Accounts::new(Some(dir.clone()), false).unwrap();
    let (session, store) = accounts
        .sign_in(&w.server.base, &w.agents[0].2, PASSWORD)
        .await
        .unwrap();
    assert_eq!(store, TokenStore::File);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("account.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "only the user can read the token file");
    }
    let again = Accounts::new(Some(dir.clone()), false).unwrap();
    let restored = again.restore().await.unwrap().expect("still signed in");
    assert_eq!(restored, session);
    assert_eq!(restored.me.name, "Alice");

    again.sign_out(&restored).await.unwrap();
    assert!(again.restore().await.unwrap().is_none());
    let r = w
        .http
        .get(format!("{}/api/v1/me", w.server.base))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "the server forgot the token too");
}

#[tokio::test]
async fn without_a_keychain_the_token_falls_back_to_the_private_file() {
    let w = World::new(&[]).await;
    // The test machine has no Secret Service: asking for the keychain falls back.
    let accounts = Accounts::new(Some(w.app_dir("keychain")), true).unwrap();
    let (session, store) = accounts
        .sign_in(&w.server.base, &w.agents[1].2, PASSWORD)
        .await
        .unwrap();
    if store == TokenStore::File {
        let text = std::fs::read_to_string(w.app_dir("keychain").join("account.json")).unwrap();
        assert!(text.contains(&session.token));
    }
    assert_eq!(accounts.restore().await.unwrap(), Some(session.clone()));
    accounts.sign_out(&session).await.unwrap();
    assert!(accounts.restore().await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unusable_cache_is_rebuilt_from_the_server() {
    let w = World::new(&[]).await;
    let (id, _) = w.customer("Rebuilt", "hello").await;
    let (accounts, session) = w.sign_in(0).await;
    let path = accounts.cache_path(&session);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        b"this is not a database, just garbage bytes ............................................",
    )
    .unwrap();
    let (engine, rebuilt) = switchboard_client::Engine::start(&session, &path, options()).unwrap();
    let rebuilt = rebuilt.expect("the garbage was set aside");
    assert!(rebuilt.moved_to.exists());
    eventually("synced after the rebuild", || {
        engine
            .lists()
            .unwrap()
            .queue
            .into_iter()
            .find(|c| c.id == id)
    })
    .await;
    drop(engine);

    // A cache from a newer version is set aside too, not crash-looped on.
    rusqlite_user_version(&path, 99);
    let (engine, rebuilt) = switchboard_client::Engine::start(&session, &path, options()).unwrap();
    assert!(rebuilt.unwrap().reason.contains("newer"));
    eventually("synced again", || {
        engine
            .lists()
            .unwrap()
            .queue
            .into_iter()
            .find(|c| c.id == id)
    })
    .await;
}

fn rusqlite_user_version(path: &std::path::Path, v: i64) {
    let (cache, _) = switchboard_client::cache::Cache::open(
        path,
        &switchboard_protocol::Me {
            id: 0,
            name: String::new(),
            email: String::new(),
            role: switchboard_protocol::Role::Agent,
        },
    )
    .unwrap();
    cache.set_user_version_for_tests(v).unwrap();
}
