//! Signing in, staying signed in, signing out; clear errors for bad servers.

use crate::support::*;
use std::time::Duration;
use switchboard_client::{Accounts, EngineCode, ErrorCode, TokenStore};

#[tokio::test]
async fn sign_in_errors_are_clear() {
    let w = World::new(&[]).await;
    let accounts = Accounts::new(Some(w.app_dir("errors")), false).unwrap();
    let email = &w.agents[0].2;
    let err = accounts
        .sign_in("not a server", email, PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.code, EngineCode::BadAddress);
    let err = accounts
        .sign_in("ftp://example.com", email, PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.code, EngineCode::BadAddress);
    // Nothing listens on port 9 of loopback.
    let err = accounts
        .sign_in("http://127.0.0.1:9", email, PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.code, EngineCode::Unreachable);
    let err = accounts
        .sign_in(&w.server.base, email, "wrong password")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidCredentials);
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
#[ignore = "needs a Secret Service (scripts/test runs it)"]
async fn the_token_goes_to_the_os_keychain_when_there_is_one() {
    let w = World::new(&[]).await;
    let dir = w.app_dir("keychain");
    let accounts = Accounts::new(Some(dir.clone()), true).unwrap();
    let (session, store) = accounts
        .sign_in(&w.server.base, &w.agents[1].2, PASSWORD)
        .await
        .unwrap();
    assert_eq!(store, TokenStore::Keychain);
    let text = std::fs::read_to_string(dir.join("account.json")).unwrap();
    assert!(
        !text.contains(&session.token),
        "the token is not in the file"
    );
    let again = Accounts::new(Some(dir.clone()), true).unwrap();
    assert_eq!(again.restore().await.unwrap(), Some(session.clone()));
    again.sign_out(&session).await.unwrap();
    assert!(again.restore().await.unwrap().is_none());
    // Gone from the keychain too: a stale account file does not restore it.
    std::fs::write(dir.join("account.json"), &text).unwrap();
    assert!(again.restore().await.unwrap().is_none());
}

#[tokio::test]
#[ignore = "needs a Secret Service (scripts/test runs it)"]
async fn the_cache_key_goes_to_the_os_keychain_when_there_is_one() {
    let w = World::new(&[]).await;
    let dir = w.app_dir("cache-keychain");
    let accounts = Accounts::new(Some(dir.clone()), true).unwrap();
    let (session, _) = accounts
        .sign_in(&w.server.base, &w.agents[1].2, PASSWORD)
        .await
        .unwrap();
    let path = accounts.cache_path(&session);
    let (key, kept) = accounts.cache_key(&path).await.unwrap();
    assert_eq!(kept, TokenStore::Keychain);
    assert!(
        !path.with_extension("key").exists(),
        "no key file beside the cache"
    );
    // The next start finds the same key, so the cache stays readable.
    let (again, kept) = Accounts::new(Some(dir), true)
        .unwrap()
        .cache_key(&path)
        .await
        .unwrap();
    assert_eq!(kept, TokenStore::Keychain);
    assert_eq!(again.as_str(), key.as_str());
    // Each cache has a key of its own.
    let (other, _) = accounts
        .cache_key(&path.with_file_name("other.sqlite3"))
        .await
        .unwrap();
    assert_ne!(other.as_str(), key.as_str());
}

#[tokio::test]
async fn without_a_keychain_the_token_falls_back_to_the_private_file() {
    let w = World::new(&[]).await;
    let dir = w.app_dir("no-keychain");
    // The engine in a process with no session bus at all (as on a server or in CI).
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard-sync"))
        .args([
            "--data-dir",
            dir.to_str().unwrap(),
            "--server",
            &w.server.base,
            "--email",
            &w.agents[1].2,
        ])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{PASSWORD}\n").as_bytes())
            .unwrap();
    }
    let path = dir.join("account.json");
    eventually("the session saved", || path.exists().then_some(())).await;
    let _ = child.kill();
    let _ = child.wait();
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(saved["store"], "file");
    let token = saved["token"]
        .as_str()
        .expect("the token is in the private file");
    let accounts = Accounts::new(Some(dir), false).unwrap();
    assert_eq!(accounts.restore().await.unwrap().unwrap().token, token);
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
    let (key, _) = accounts.cache_key_blocking(&path).unwrap();
    let (engine, rebuilt) =
        switchboard_client::Engine::start(&session, &path, Some(&key), options()).unwrap();
    let rebuilt = rebuilt.expect("the garbage was set aside");
    assert!(rebuilt.moved_to.exists());
    wait_in(&engine, "queue", id).await;
    drop(engine);

    // A cache from a newer version is set aside too, not crash-looped on.
    rusqlite_user_version(&path, 99);
    let (engine, rebuilt) =
        switchboard_client::Engine::start(&session, &path, Some(&key), options()).unwrap();
    assert!(rebuilt.unwrap().reason.contains("newer"));
    wait_in(&engine, "queue", id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_this_version_cannot_read_are_set_aside_not_fatal() {
    let w = World::new(&[]).await;
    let (odd, _) = w.customer("Odd", "hello").await;
    let (plain, _) = w.customer("Plain", "hi").await;
    let (accounts, session) = w.sign_in(0).await;
    let path = accounts.cache_path(&session);
    let engine = start_engine(&accounts, &session);
    wait_in(&engine, "queue", odd).await;
    wait_in(&engine, "queue", plain).await;
    drop(engine);

    // A newer (or broken) build left a summary and a queued action this one
    // cannot decode.
    {
        let db = open_cache(&path);
        db.execute(
            "UPDATE conversations SET summary = '{\"from\": \"the future\"}' WHERE id = ?1",
            [odd],
        )
        .unwrap();
        db.execute(
            "INSERT INTO outbox (op_id, conversation_id, action, payload, status, created_at) \
             VALUES ('6d1f7f62-4c1e-4f25-9d43-0c7f3f1f0a11', ?1, 'hologram', '{\"type\": \"hologram\"}', 'pending', 0)",
            [plain],
        )
        .unwrap();
    }

    let engine = start_engine(&accounts, &session);
    let mut changes = engine.changes();
    // The lists read, without the row they cannot read; the outbox too.
    let lists = engine.lists().expect("one bad row does not fail the lists");
    assert!(lists.queue.iter().any(|c| c.id == plain));
    assert!(engine.outbox().expect("nor the outbox").is_empty());
    let mut moved = 0;
    while moved < 2 {
        match tokio::time::timeout(Duration::from_secs(20), changes.recv()).await {
            Ok(Ok(switchboard_client::Change::SetAside { moved: n })) => moved += n,
            Ok(Ok(_)) => {}
            other => panic!("no set-aside change: {other:?} ({moved} so far)"),
        }
    }
    assert_eq!(moved, 2);
    // The conversation comes back from the server, readable.
    let back = wait_in(&engine, "queue", odd).await;
    assert_eq!(back.customer.name, "Odd");
    assert!(engine.outbox().unwrap().is_empty());
    drop(engine);
    // What was set aside is kept in the file, for a bug report.
    let db = open_cache(&path);
    let kept: Vec<(String, i64, String)> = db
        .prepare("SELECT source, key, data FROM set_aside ORDER BY source")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert_eq!(kept[0].0, "conversations");
    assert_eq!(kept[0].1, odd);
    assert!(kept[0].2.contains("the future"));
    assert_eq!(kept[1].0, "outbox");
    assert!(kept[1].2.contains("hologram"));
}

fn rusqlite_user_version(path: &std::path::Path, v: i64) {
    open_cache(path)
        .pragma_update(None, "user_version", v)
        .unwrap();
}

/// The cache's files (the database and its WAL) as bytes.
fn cache_bytes(path: &std::path::Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    bytes.extend(std::fs::read(std::path::PathBuf::from(wal)).unwrap_or_default());
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_is_encrypted_at_rest_and_a_lost_key_has_it_rebuilt_from_the_server() {
    let w = World::new(&[]).await;
    let (id, token) = w.customer("Quistorp", "my marmalade parcel is late").await;
    w.say(id, &token, "the marmalade tracking says delivered")
        .await;
    let (accounts, session) = w.sign_in(0).await;
    let path = accounts.cache_path(&session);
    let engine = start_engine(&accounts, &session);
    wait_in(&engine, "queue", id).await;
    eventually("the history cached and searchable", || {
        let hits = engine.search("marmalade", 50).ok()?;
        (hits.len() == 1 && hits[0].matches == 2).then_some(())
    })
    .await;
    // Neither the customer's words nor their name or email can be read from
    // the files, while the engine runs and after it stopped.
    let unreadable = |moment: &str| {
        let bytes = cache_bytes(&path);
        for text in [
            "marmalade",
            "Quistorp",
            "quistorp@example.net",
            "SQLite format 3",
        ] {
            assert!(
                !holds(&bytes, text),
                "{moment}: {text:?} is readable in the cache"
            );
        }
    };
    unreadable("running");
    drop(engine);
    unreadable("stopped");
    // These tests' accounts use no keychain: the key is in a private file.
    let key_file = path.with_extension("key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is the user's alone");
    }

    // The key is lost: the cache cannot be read, and is rebuilt from the server.
    std::fs::remove_file(&key_file).unwrap();
    let (key, kept) = accounts.cache_key_blocking(&path).unwrap();
    assert_eq!(kept, TokenStore::File);
    let (engine, rebuilt) =
        switchboard_client::Engine::start(&session, &path, Some(&key), options()).unwrap();
    let rebuilt = rebuilt.expect("the unreadable cache was set aside");
    assert!(
        rebuilt.reason.contains("not this key's"),
        "{}",
        rebuilt.reason
    );
    wait_in(&engine, "queue", id).await;
    eventually("searchable again", || {
        let hits = engine.search("marmalade", 50).ok()?;
        (hits.len() == 1 && hits[0].matches == 2).then_some(())
    })
    .await;
}
