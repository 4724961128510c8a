//! Exclusive occupation under contention: the database decides, once.

use crate::support::*;
use futures_util::future::join_all;
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
        let attempts = w.agents.iter().map(|a| {
            let api = api.clone();
            let a = a.clone();
            async move { (a.id, api.act(&a, c.conversation, "take").await) }
        });
        // Spawned, so the requests really run in parallel on the runtime's threads.
        let handles: Vec<_> = attempts.map(tokio::spawn).collect();
        let results: Vec<_> = join_all(handles)
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        let winners: Vec<i64> = results
            .iter()
            .filter(|(_, r)| r.status == 200)
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: winners {winners:?}");
        let winner = winners[0];
        for (id, r) in &results {
            if *id != winner {
                r.err(409, "conversation_taken");
                assert_eq!(
                    r.body["holder"]["id"], winner,
                    "round {round}: losers are told who won"
                );
            }
        }
        let detail = api
            .detail(
                w.agents.iter().find(|a| a.id == winner).unwrap(),
                c.conversation,
            )
            .await
            .ok();
        assert_eq!(detail["conversation"]["occupant"]["id"], winner);
        let taken_lines = detail["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["author"] == "system")
            .count();
        assert_eq!(taken_lines, 1, "round {round}: one 'Taken by' line");
    }
}
