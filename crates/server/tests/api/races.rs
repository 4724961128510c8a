//! Exclusive occupation under contention: the database decides, once.

use crate::support::*;
use switchboard_protocol::Role;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_takes_have_exactly_one_winner_200_times() {
    let names: Vec<String> = (0..50).map(|i| format!("Agent{i:02}")).collect();
    let cast: Vec<(&str, Role)> = names.iter().map(|n| (n.as_str(), Role::Agent)).collect();
    let w = World::new(&cast, &[], &[]).await;
    let api = &w.api;
    for round in 0..200 {
        let c = api
            .waiting_customer(&format!("Racer{round}"), "who gets me?")
            .await;
        take_race(
            &w.agents,
            std::slice::from_ref(api),
            c.conversation,
            api,
            round,
        )
        .await;
    }
}
