//! Nothing acknowledged is lost when the server process dies.

use crate::support::*;
use futures_util::future::join_all;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_and_restart_loses_nothing_acknowledged() {
    let mut w = World::standard().await;
    let (alice, sam) = (w.agent(0).clone(), w.agent(2).clone());
    let api = w.api.clone();

    let c = api.waiting_customer("Kim", "before").await;
    api.act(&alice, c.conversation, "take").await.ok();
    api.reply(&alice, c.conversation, "acknowledged reply")
        .await
        .ok();
    let done = api.waiting_customer("Done", "x").await;
    api.act(&alice, done.conversation, "take").await.ok();
    api.end(
        &alice,
        done.conversation,
        json!({"known": "Billing"}),
        "happy",
    )
    .await
    .ok();

    // A burst of concurrent customer messages, acknowledged; then the process is killed.
    let sends = (0..100).map(|i| {
        let api = api.clone();
        let c = c.clone();
        tokio::spawn(async move { (i, api.customer_says(&c, &format!("burst {i}")).await) })
    });
    let acked: Vec<i32> = join_all(sends)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .filter(|(_, r)| r.status == 200)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(acked.len(), 100);
    let seq_before = latest_seq(&api, &sam).await;
    let dir = w.server.dir.clone();
    w.server.kill9();

    let server = start_server(&dir, &[]);
    let api = Api::new(&server.base);
    // Tokens survive the restart too.
    let snap = api.snapshot(&alice).await;
    assert_eq!(snap["seq"].as_i64().unwrap(), seq_before);
    let row = find(&snap, "mine", c.conversation).expect("still Alice's");
    assert!(row["unanswered"]["body"]
        .as_str()
        .unwrap()
        .starts_with("burst "));
    assert!(find(&snap, "archive", done.conversation).is_some());
    let detail = api.detail(&alice, c.conversation).await.ok();
    let bodies: Vec<&str> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert!(bodies.contains(&"acknowledged reply"));
    for i in acked {
        assert!(
            bodies.contains(&format!("burst {i}").as_str()),
            "burst {i} survived"
        );
    }
    // The event log resumes where it was.
    let mut s = Stream::open(&api.base, &alice.token, seq_before - 3).await;
    let (events, cursor) = s
        .events_until(seq_before, std::time::Duration::from_secs(10))
        .await;
    assert_eq!(cursor, seq_before);
    assert_eq!(events.len(), 3);
    drop(w);
}
