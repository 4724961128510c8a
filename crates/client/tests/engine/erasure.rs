//! A customer erased on the server is erased from every cache: Alice's two
//! computers, one of them off during the erasure. Afterwards neither cache,
//! decrypted, holds the customer's name, email or words.

use crate::support::*;
use serde_json::json;
use switchboard_client::Accounts;

const SECRETS: &[&str] = &["marmalade", "Quistorp", "quistorp@example.net"];

/// The cache's content as plain SQLite bytes: every table's rows (the search
/// index's segments too), decrypted with its key.
fn decrypted(path: &std::path::Path) -> Vec<u8> {
    let plain = path.with_extension("plain-copy");
    let _ = std::fs::remove_file(&plain);
    let db = open_cache(path);
    db.execute(
        "ATTACH DATABASE ?1 AS plain KEY ''",
        [plain.to_string_lossy()],
    )
    .unwrap();
    db.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))
        .unwrap();
    db.execute("DETACH DATABASE plain", []).unwrap();
    drop(db);
    let bytes = std::fs::read(&plain).unwrap();
    std::fs::remove_file(&plain).unwrap();
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_customer_leaves_every_cache_even_one_offline_at_the_time() {
    let w = World::new(&[]).await;
    let (id, token) = w.customer("Quistorp", "my marmalade parcel is late").await;
    w.say(id, &token, "the marmalade tracking says delivered")
        .await;
    w.act(0, id, "take").await;
    w.post(
        &format!("/api/v1/conversations/{id}/messages"),
        Some(w.token(0)),
        json!({"op_id": uuid::Uuid::new_v4(), "body": "Sorry Quistorp, the marmalade is on its way"}),
    )
    .await;
    w.post(
        &format!("/api/v1/conversations/{id}/end"),
        Some(w.token(0)),
        json!({"op_id": uuid::Uuid::new_v4(), "subject": "dont_know", "mood": "happy"}),
    )
    .await;
    let (other, _) = w.customer("Olga", "an unrelated question").await;

    // Alice's desk and her laptop, each with its own cache.
    let (desk_accounts, session) = w.sign_in(0).await;
    let laptop_accounts = Accounts::new(Some(w.app_dir("alice-laptop")), false).unwrap();
    let (laptop_session, _) = laptop_accounts
        .sign_in(&w.server.base, &w.agents[0].2, PASSWORD)
        .await
        .unwrap();
    let desk = start_engine(&desk_accounts, &session);
    let laptop = start_engine(&laptop_accounts, &laptop_session);
    for engine in [&desk, &laptop] {
        wait_in(engine, "archive", id).await;
        eventually("the history cached and searchable", || {
            let hits = engine.search("marmalade", 50).ok()?;
            (hits.len() == 1 && hits[0].matches == 3).then_some(())
        })
        .await;
    }
    // The laptop is closed; a supervisor erases the customer meanwhile.
    drop(laptop);
    let customer = w
        .get(&format!("/api/v1/conversations/{id}"), w.token(2))
        .await["conversation"]["customer"]["id"]
        .as_i64()
        .unwrap();
    let (status, erasure) = w
        .post(
            &format!("/api/v1/customers/{customer}/erase"),
            Some(w.token(2)),
            json!({"op_id": uuid::Uuid::new_v4()}),
        )
        .await;
    assert_eq!(status, 200, "{erasure}");

    // The desk hears it at once; the laptop when it is opened again.
    let laptop = start_engine(&laptop_accounts, &laptop_session);
    for engine in [&desk, &laptop] {
        eventually("the words gone from the cache", || {
            engine
                .search("marmalade", 50)
                .ok()?
                .is_empty()
                .then_some(())
        })
        .await;
        // The conversation comes back with the archive, anonymised and empty.
        let back = wait_in(engine, "archive", id).await;
        assert_eq!(back.customer.name, "Erased customer");
        assert_eq!(back.customer.email, None);
        assert!(engine.conversation(id).unwrap().messages.is_empty());
        // Others are untouched.
        wait_in(engine, "queue", other).await;
    }
    drop(desk);
    drop(laptop);
    for (accounts, session) in [
        (&desk_accounts, &session),
        (&laptop_accounts, &laptop_session),
    ] {
        let path = accounts.cache_path(session);
        let plain = decrypted(&path);
        assert!(
            holds(&plain, "unrelated question"),
            "the check can see text"
        );
        for text in SECRETS {
            assert!(
                !holds(&plain, text),
                "{text:?} is still in {}",
                path.display()
            );
        }
    }
}
