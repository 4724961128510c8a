//! The admin command line, run as a user would.

use crate::support::*;
use std::io::Write;
use std::process::{Command, Stdio};

pub fn cli(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard-server"))
        .arg("--data-dir")
        .arg(dir)
        .arg("--database-url")
        .arg(switchboard_testkit::database_url_blocking(dir))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn init_agent_add_subjects_and_sign_in() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (ok, out, _) = cli(d, &["init"], None);
    assert!(ok, "{out}");
    let (ok, out, err) = cli(
        d,
        &[
            "agent",
            "add",
            "--email",
            "lea@example.com",
            "--name",
            "Léa Dupont",
            "--role",
            "supervisor",
            "--password-stdin",
        ],
        Some("a long secret\n"),
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("Léa Dupont"));
    // A generated password is printed when none is given.
    let (ok, out, _) = cli(
        d,
        &[
            "agent",
            "add",
            "--email",
            "max@example.com",
            "--name",
            "Max",
        ],
        None,
    );
    assert!(ok);
    let generated = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .unwrap()
        .to_string();
    // Duplicates and bad roles fail cleanly, without a panic.
    let (ok, _, err) = cli(
        d,
        &[
            "agent",
            "add",
            "--email",
            "LEA@example.com",
            "--name",
            "Again",
            "--password-stdin",
        ],
        Some("another secret\n"),
    );
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");
    assert!(!err.contains("panicked"));
    let (ok, _, err) = cli(
        d,
        &[
            "agent",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "boss",
        ],
        None,
    );
    assert!(!ok && err.contains("boss"), "{err}");
    let (ok, _, _) = cli(
        d,
        &["subjects", "set", "Billing", "Shipping", "Returns"],
        None,
    );
    assert!(ok);
    let (_, out, _) = cli(d, &["subjects", "list"], None);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        vec!["Billing", "Shipping", "Returns"]
    );
    let (_, out, _) = cli(d, &["agent", "list"], None);
    assert!(out.contains("supervisor\tlea@example.com\tLéa Dupont"));

    let server = start_server(d, &[]);
    let api = Api::new(&server.base);
    let token = api.login("lea@example.com", "a long secret").await;
    let me = api.get("/api/v1/me", Some(&token)).await.ok();
    assert_eq!(me["role"], "supervisor");
    api.login("max@example.com", &generated).await;
    let subjects = api.get("/api/v1/subjects", Some(&token)).await.ok();
    assert_eq!(
        subjects["subjects"],
        serde_json::json!(["Billing", "Shipping", "Returns"])
    );
    drop(server);

    // Max leaves: removed, he can no longer sign in; an unknown email is refused.
    let (ok, out, err) = cli(d, &["agent", "remove", "--email", "MAX@example.com"], None);
    assert!(ok, "{out}{err}");
    assert!(out.contains("removed Max"), "{out}");
    let (ok, _, err) = cli(d, &["agent", "remove", "--email", "max@example.com"], None);
    assert!(!ok && err.contains("no agent with email"), "{err}");
    let (_, out, _) = cli(d, &["agent", "list"], None);
    assert!(!out.contains("max@example.com"), "{out}");
    let server = start_server(d, &[]);
    let api = Api::new(&server.base);
    api.post(
        "/api/v1/auth/login",
        None,
        &serde_json::json!({"email": "max@example.com", "password": generated}),
    )
    .await
    .err(401, "invalid_credentials");
}

#[tokio::test]
async fn demo_seeds_every_state_and_openapi_describes_the_api() {
    let tmp = tempfile::tempdir().unwrap();
    let server = start_server(tmp.path(), &["--demo"]);
    let api = Api::new(&server.base);
    let alice = Agent {
        id: 1,
        name: "Alice Martin".into(),
        email: "alice@example.com".into(),
        token: api.login("alice@example.com", "switchboard-demo").await,
    };
    let snap = api.snapshot(&alice).await;
    assert!(!ids(&snap, "mine").is_empty());
    assert!(ids(&snap, "queue").len() >= 3);
    assert!(ids(&snap, "archive").len() >= 3);
    let queue = snap["queue"].as_array().unwrap();
    assert!(
        queue.iter().any(|c| c["unanswered"].is_null()),
        "a freed, up-to-date row"
    );
    assert!(
        queue.iter().any(|c| !c["unanswered"].is_null()),
        "a red row"
    );
    let sam_token = api.login("sam@example.com", "switchboard-demo").await;
    let blocked = api
        .get("/api/v1/blocked-customers", Some(&sam_token))
        .await
        .ok();
    assert_eq!(blocked["customers"].as_array().unwrap().len(), 1);

    let health = api.get("/healthz", None).await.ok();
    assert_eq!(health["status"], "ok");
    let doc = api.get("/api/v1/openapi.json", None).await.ok();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/auth/login",
        "/api/v1/snapshot",
        "/api/v1/stream",
        "/api/v1/archive",
        "/api/v1/conversations/{id}/take",
        "/api/v1/conversations/{id}/end",
        "/api/v1/customer/conversations",
        "/api/v1/blocked-customers/{id}/unblock",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    for schema in [
        "ConversationSummary",
        "Event",
        "EventKind",
        "StreamFrame",
        "ApiError",
        "ErrorCode",
        "EndRequest",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema} documented"
        );
    }
    // The limits the server enforces are the schemas' (validate.rs).
    let schemas = &doc["components"]["schemas"];
    let max = switchboard_protocol::MAX_MESSAGE_CHARS;
    assert_eq!(
        schemas["ReplyRequest"]["properties"]["body"]["maxLength"],
        max
    );
    assert_eq!(
        schemas["CustomerMessageRequest"]["properties"]["body"]["maxLength"],
        max
    );
    let short = switchboard_protocol::MAX_SHORT_TEXT_CHARS;
    let start = &schemas["StartConversationRequest"]["properties"];
    assert_eq!(start["name"]["maxLength"], short);
    assert_eq!(start["email"]["maxLength"], short);
    let tag = switchboard_protocol::MAX_LANGUAGE_TAG_CHARS;
    assert_eq!(start["language"]["maxLength"], tag);
    assert_eq!(
        schemas["CustomerLanguageRequest"]["properties"]["language"]["maxLength"],
        tag
    );
    let rating = &schemas["SurveyRequest"]["properties"]["rating"];
    assert_eq!(
        (rating["minimum"].clone(), rating["maximum"].clone()),
        (1.into(), 5.into())
    );
    // Query parameters are in the query, and every operation declares what the
    // shared layers answer: 401 where a token is needed, 404 where a path names
    // something, 500 everywhere.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = &op["responses"];
            assert!(responses.get("500").is_some(), "{method} {path}: 500");
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if secured {
                assert!(responses.get("401").is_some(), "{method} {path}: 401");
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let place = p["in"].as_str().unwrap();
                assert_eq!(
                    place == "path",
                    path.contains(&format!("{{{}}}", p["name"].as_str().unwrap())),
                    "{method} {path}: {p}"
                );
                if place == "path" {
                    assert!(responses.get("404").is_some(), "{method} {path}: 404");
                }
            }
        }
    }
}

#[tokio::test]
async fn the_demo_has_customers_writing_now_and_then() {
    let tmp = tempfile::tempdir().unwrap();
    let server = start_server(tmp.path(), &["--demo", "--demo-customer-every-ms", "100"]);
    let api = Api::new(&server.base);
    let token = api.login("bob@example.com", "switchboard-demo").await;
    let seq = api.get("/api/v1/snapshot", Some(&token)).await.ok()["seq"]
        .as_i64()
        .unwrap();
    let mut stream = Stream::open(&api.base, &token, seq).await;
    let mut customer_lines = 0;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while customer_lines < 3 && tokio::time::Instant::now() < deadline {
        if let Some(f) = stream.frame(std::time::Duration::from_secs(2)).await {
            for e in f["events"].as_array().into_iter().flatten() {
                if e["kind"]["type"] == "message_posted"
                    && e["kind"]["message"]["author"] == "customer"
                {
                    customer_lines += 1;
                }
            }
        }
    }
    assert!(
        customer_lines >= 3,
        "simulated customers wrote {customer_lines} lines"
    );
}
