//! What the server forgets on its own: customer tokens some time after their
//! conversation closed. Both backends.

use crate::support::*;
use serde_json::json;
use std::time::Duration;
use switchboard_protocol::Role;

#[tokio::test]
async fn a_closed_conversations_customer_token_expires_and_open_ones_stay() {
    let w = World::new(
        &[("Alice", Role::Agent)],
        &["Billing"],
        &["--customer-token-days", "0", "--prune-interval-ms", "100"],
    )
    .await;
    let (api, alice) = (&w.api, w.agent(0));
    let done = api.waiting_customer("Done", "thanks, bye").await;
    let open = api.waiting_customer("Open", "still here").await;
    // The token works while the conversation is open (right after the close
    // is not asserted: with no grace period the pruner, every 100 ms, may
    // already have run; the surveys' tests read after a close with the
    // default grace)…
    api.customer_reads(&done).await;
    api.act(alice, done.conversation, "take").await.ok();
    api.end(
        alice,
        done.conversation,
        json!({"known": "Billing"}),
        "happy",
    )
    .await
    .ok();
    // …and is gone once the pruner has run after the close.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let r = api
            .get(
                &format!("/api/v1/customer/conversations/{}", done.conversation),
                Some(&done.token),
            )
            .await;
        if r.status.as_u16() == 401 {
            r.err(401, "unauthorized");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the token still works: {r:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The open conversation's token works, and the agent still has the history.
    api.customer_says(&open, "hello?").await.ok();
    let detail = api.detail(alice, done.conversation).await.ok();
    assert!(detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["body"] == "thanks, bye"));
}
