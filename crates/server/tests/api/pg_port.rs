//! The port tool: a SQLite deployment copied to PostgreSQL answers the same.
//! Runs in the PostgreSQL pass of `scripts/test`.

use crate::blns::naughty_strings;
use crate::support::*;
use serde_json::{json, Value};
use std::process::{Command, Stdio};
use std::time::Duration;

fn port(from: &str, to: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchboard-server"));
    cmd.args(["port", "--from", from, "--to", to])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Everything the agents' apps and the supervisor read.
async fn answers(api: &Api, agents: &[&Agent]) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let sam = agents.last().unwrap();
    let all = api.snapshot(sam).await;
    let mut ids: Vec<i64> = ["mine", "queue", "archive", "others"]
        .iter()
        .filter(|l| all[**l].is_array())
        .flat_map(|l| ids(&all, l))
        .collect();
    ids.sort_unstable();
    for a in agents {
        out.push((format!("snapshot of {}", a.name), api.snapshot(a).await));
        let mut after = 0;
        loop {
            let page = api
                .get(
                    &format!("/api/v1/archive?after={after}&limit=2"),
                    Some(&a.token),
                )
                .await
                .ok();
            after = page["next_cursor"].as_i64().unwrap();
            let more = page["has_more"] == true;
            out.push((format!("archive page of {} after {after}", a.name), page));
            if !more {
                break;
            }
        }
    }
    for id in ids {
        out.push((format!("conversation {id}"), api.detail(sam, id).await.ok()));
    }
    for path in [
        "/api/v1/archive?all=true&limit=200",
        "/api/v1/blocked-customers",
        "/api/v1/agents",
        "/api/v1/subjects",
        "/api/v1/reports/chat?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z",
    ] {
        out.push((path.to_string(), api.get(path, Some(&sam.token)).await.ok()));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL and the npm fixtures (scripts/test runs it under scripts/postgres)"]
async fn a_ported_sqlite_deployment_answers_the_same_on_postgres() {
    let admin = std::env::var(switchboard_testkit::POSTGRES_ENV).expect(
        "the port tool needs PostgreSQL: set SWITCHBOARD_TEST_POSTGRES (scripts/test does)",
    );
    // A SQLite deployment with every conversation state (the demo data) ...
    let tmp = tempfile::tempdir().unwrap();
    let sqlite = switchboard_testkit::use_sqlite(tmp.path());
    let mut server = start_server(tmp.path(), &["--demo", "--demo-customer-every-ms", "0"]);
    let api = Api::new(&server.base);
    let login = |email: &'static str, name: &'static str, id: i64| {
        let api = api.clone();
        async move {
            Agent {
                id,
                name: name.into(),
                email: email.into(),
                token: api.login(email, "switchboard-demo").await,
            }
        }
    };
    let alice = login("alice@example.com", "Alice", 1).await;
    let sam = login("sam@example.com", "Sam", 4).await;
    // ... and every naughty string: as messages both ways, a customer's name, a
    // survey comment.
    let list: Vec<String> = naughty_strings()
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect();
    let c = api.start_customer("Nadia", "nadia@example.net").await;
    for s in &list {
        api.customer_says(&c, s).await.ok();
    }
    // A file, binary content and a thumbnail, attached twice (stored once).
    let mut file = vec![0x89, b'P', b'N', b'G', 13, 10, 26, 10];
    file.extend((0..=255u8).cycle().take(5000));
    for name in ["a.png", "b.png"] {
        let r = api
            .post_raw(
                &format!(
                    "/api/v1/customer/conversations/{}/attachments?name={name}",
                    c.conversation
                ),
                Some(&c.token),
                Some("application/octet-stream"),
                file.clone(),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "{r:?}");
    }
    api.act(&alice, c.conversation, "take").await.ok();
    for s in list.iter().take(40) {
        api.reply(&alice, c.conversation, s).await.ok();
    }
    api.end(&alice, c.conversation, json!("dont_know"), "happy")
        .await
        .ok();
    api.post(
        &format!("/api/v1/customer/conversations/{}/survey", c.conversation),
        Some(&c.token),
        &json!({"rating": 4, "comment": list[7]}),
    )
    .await
    .ok();
    for (i, name) in list.iter().take(60).enumerate() {
        let r = api
            .post(
                "/api/v1/customer/conversations",
                None,
                &json!({"name": name, "email": format!("n{i}@example.net")}),
            )
            .await;
        assert!(r.status == 200 || r.status == 400, "{r:?}");
    }
    let agents = [&alice, &sam];
    let before = answers(&api, &agents).await;
    // The operator stops the server before porting.
    server.kill9();

    let target = switchboard_testkit::create_database(&admin).await;
    // Interrupted: killed a moment after it starts (before or during the copy).
    let mut first = port(&sqlite, &target).spawn().unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let _ = first.kill();
    let _ = first.wait();
    // Run again: it completes, and says so table by table.
    let out = port(&sqlite, &target).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("every table matches"), "{stdout}");
    let messages = stdout
        .lines()
        .find(|l| l.starts_with("messages "))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>();
    assert_eq!(messages[1], messages[2], "{stdout}");
    assert!(
        messages[1].parse::<usize>().unwrap() > list.len(),
        "{stdout}"
    );
    assert!(!stdout.contains("DIFFERENT"), "{stdout}");
    // And again: nothing left to write, everything still matches.
    let again = port(&sqlite, &target).output().unwrap();
    let again_out = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{again_out}");
    assert!(
        again_out.contains("; 0 rows written by this run"),
        "{again_out}"
    );

    // The same server on PostgreSQL answers exactly as before, to the same
    // sign-ins (sessions are data too).
    switchboard_testkit::use_database(tmp.path(), &target);
    let server = start_server(tmp.path(), &[]);
    let api = Api::new(&server.base);
    let after = answers(&api, &agents).await;
    assert_eq!(before.len(), after.len());
    for ((what, b), (_, a)) in before.iter().zip(&after) {
        assert_eq!(a, b, "{what} differs after the port");
    }
    // The file came across byte for byte.
    let detail = api
        .get(
            &format!("/api/v1/conversations/{}", c.conversation),
            Some(&alice.token),
        )
        .await
        .ok();
    let aid = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|m| m["attachments"][0]["id"].as_i64())
        .unwrap();
    let (status, _, _, bytes) = api
        .get_bytes(&format!("/api/v1/attachments/{aid}"), &alice.token)
        .await;
    assert_eq!((status, bytes), (200, file));
    // Work goes on where it stopped: new ids do not collide with ported ones.
    let next = api.start_customer("After", "after@example.net").await;
    assert!(next.conversation > c.conversation);
    api.customer_says(&next, "hello from PostgreSQL").await.ok();
}

#[tokio::test]
#[ignore = "needs PostgreSQL (scripts/test runs it under scripts/postgres)"]
async fn port_refuses_a_mismatched_target_and_bad_urls() {
    let admin = std::env::var(switchboard_testkit::POSTGRES_ENV).expect(
        "the port tool needs PostgreSQL: set SWITCHBOARD_TEST_POSTGRES (scripts/test does)",
    );
    // Two different deployments: porting the second onto the first's copy fails
    // and writes nothing.
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let (url1, url2) = (
        switchboard_testkit::use_sqlite(one.path()),
        switchboard_testkit::use_sqlite(two.path()),
    );
    seed(
        one.path(),
        &[("Alice", switchboard_protocol::Role::Agent)],
        &["Billing"],
    )
    .await;
    seed(
        two.path(),
        &[("Zed", switchboard_protocol::Role::Agent)],
        &["Other"],
    )
    .await;
    let target = switchboard_testkit::create_database(&admin).await;
    assert!(port(&url1, &target).output().unwrap().status.success());
    let out = port(&url2, &target).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("differs from the source in agents"),
        "{stderr}"
    );
    let ok = port(&url1, &target).output().unwrap();
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("; 0 rows written"),
        "the failed run wrote nothing"
    );

    for (from, to, says) in [
        (
            url1.as_str(),
            url2.as_str(),
            "port copies SQLite to PostgreSQL",
        ),
        (
            "sqlite:///nonexistent/x.sqlite3",
            target.as_str(),
            "no such SQLite database",
        ),
    ] {
        let out = port(from, to).output().unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
