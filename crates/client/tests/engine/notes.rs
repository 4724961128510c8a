//! Internal notes in the app: queued and sent exactly once like replies, a
//! colleague's arriving live, all in the cache and searchable offline, marked
//! as notes.

use crate::app::futures_lite;
use crate::support::*;
use serde_json::json;
use switchboard_client::{App, ConnectionState};
use switchboard_protocol::Author;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_are_sent_once_arrive_live_and_are_searchable_offline() {
    let mut w = World::new(&[]).await;
    let app = App::new(Some(w.app_dir("alice")), false, false).unwrap();
    app.sign_in(&w.server.base, &w.agents[0].2, PASSWORD)
        .await
        .unwrap();
    let (id, _) = w.customer("Maria", "My parcel is late").await;
    eventually("Maria in the queue", || {
        futures_lite(app.lists()).and_then(|l| l.queue.iter().any(|c| c.id == id).then_some(()))
    })
    .await;

    // A note on a queued conversation, from the app: sent once, then cached.
    let item = app.note(id, "Second late parcel: VIP").await.unwrap();
    assert_eq!(
        item.action,
        switchboard_client::cache::OutboxAction::Note {
            body: "Second late parcel: VIP".into()
        }
    );
    let view = eventually("the note delivered", || {
        futures_lite(app.conversation(id))
            .filter(|v| v.outbox.is_empty() && v.messages.iter().any(|m| m.author == Author::Note))
    })
    .await;
    let mine = view
        .messages
        .iter()
        .find(|m| m.author == Author::Note)
        .unwrap();
    assert_eq!(mine.agent.as_ref().unwrap().name, "Alice");
    let sam = w.token(2).to_string();
    let server_view = w.get(&format!("/api/v1/conversations/{id}"), &sam).await;
    let notes: Vec<_> = server_view["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "note")
        .collect();
    assert_eq!(notes.len(), 1, "stored once: {server_view}");
    // A blank note is refused before it is queued.
    let blank = app.note(id, "  ").await.unwrap_err();
    assert_eq!(blank.code, switchboard_client::ErrorCode::InvalidField);

    // Sam's note arrives over the stream.
    let (status, _) = w
        .post(
            &format!("/api/v1/conversations/{id}/notes"),
            Some(&sam),
            json!({"op_id": uuid::Uuid::new_v4(), "body": "Offer a refund voucher"}),
        )
        .await;
    assert_eq!(status, 201);
    eventually("Sam's note in the cache", || {
        futures_lite(app.conversation(id)).filter(|v| {
            v.messages
                .iter()
                .any(|m| m.author == Author::Note && m.body == "Offer a refund voucher")
        })
    })
    .await;
    // Maria still waits for an answer.
    let row = futures_lite(app.lists())
        .unwrap()
        .queue
        .into_iter()
        .find(|c| c.id == id)
        .unwrap();
    assert!(row.unanswered.is_some());

    // Offline, the notes are found by search, as notes.
    w.server.kill9();
    eventually("offline", || {
        futures_lite(async { Ok(app.connection().await) }).filter(|s| *s != ConnectionState::Online)
    })
    .await;
    let hits = app.search("voucher").await.unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].conversation.id, id);
    assert_eq!(hits[0].snippets[0].author, Author::Note);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_and_seen_reach_the_app() {
    use switchboard_client::Change;
    let w = World::new(&[]).await;
    let app = App::new(Some(w.app_dir("alice")), false, false).unwrap();
    app.sign_in(&w.server.base, &w.agents[0].2, PASSWORD)
        .await
        .unwrap();
    let mut changes = app.subscribe();
    let (id, token) = w.customer("Maria", "Hello?").await;
    eventually("Maria in the queue", || {
        futures_lite(app.lists()).and_then(|l| l.queue.iter().any(|c| c.id == id).then_some(()))
    })
    .await;

    // Maria types on the page (telling it every second, as the page does:
    // signals are not stored, and the app's stream may still be connecting):
    // the app says so.
    let mut heard = Err(());
    for _ in 0..10 {
        let (status, _) = w
            .post(
                &format!("/api/v1/customer/conversations/{id}/typing"),
                Some(&token),
                json!({}),
            )
            .await;
        assert_eq!(status, 204);
        heard = tokio::time::timeout(std::time::Duration::from_secs(1), async {
            while let Some(c) = changes.next().await {
                if let Change::Typing {
                    conversation_id,
                    name,
                } = c
                {
                    return Some((conversation_id, name));
                }
            }
            None
        })
        .await
        .map_err(|_| ());
        if heard.is_ok() {
            break;
        }
    }
    assert_eq!(heard, Ok(Some((id, "Maria".to_string()))));

    // Alice may say she types only once she occupies it.
    let refused = app.typing(id).await.unwrap_err();
    assert_eq!(refused.code, switchboard_client::ErrorCode::NotOccupant);
    app.take(id).await.unwrap();
    eventually("taken", || {
        futures_lite(app.lists()).and_then(|l| l.mine.iter().any(|c| c.id == id).then_some(()))
    })
    .await;
    app.typing(id).await.unwrap();

    // She replies; the page shows it to Maria: the cached conversation says seen.
    app.reply(id, "Hi Maria").await.unwrap();
    let reply = eventually("the reply delivered", || {
        futures_lite(app.conversation(id)).and_then(|v| {
            v.messages
                .iter()
                .find(|m| m.author == Author::Agent)
                .map(|m| m.id)
        })
    })
    .await;
    let (status, _) = w
        .post(
            &format!("/api/v1/customer/conversations/{id}/seen"),
            Some(&token),
            json!({"message_id": reply}),
        )
        .await;
    assert_eq!(status, 204);
    eventually("seen in the cache", || {
        futures_lite(app.conversation(id)).filter(|v| v.conversation.seen_message_id == Some(reply))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_cached_with_their_lines_and_read_offline() {
    let mut w = World::new(&[]).await;
    let app = App::new(Some(w.app_dir("alice")), false, false).unwrap();
    app.sign_in(&w.server.base, &w.agents[0].2, PASSWORD)
        .await
        .unwrap();
    let (id, token) = w.customer("Maria", "Here is the receipt").await;
    let r = w
        .http
        .post(format!(
            "{}/api/v1/customer/conversations/{id}/attachments?name=receipt.pdf",
            w.server.base
        ))
        .bearer_auth(&token)
        .body(b"%PDF-1.7\n%receipt\n".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let view = eventually("the file's line in the cache", || {
        futures_lite(app.conversation(id))
            .filter(|v| v.messages.iter().any(|m| !m.attachments.is_empty()))
    })
    .await;
    let line = view
        .messages
        .iter()
        .find(|m| !m.attachments.is_empty())
        .unwrap();
    assert_eq!(line.attachments[0].name, "receipt.pdf");
    assert_eq!(line.attachments[0].content_type, "application/pdf");
    assert_eq!(
        view.conversation.unanswered.unwrap().body,
        "Attachment: receipt.pdf"
    );

    w.server.kill9();
    eventually("offline", || {
        futures_lite(async { Ok(app.connection().await) }).filter(|s| *s != ConnectionState::Online)
    })
    .await;
    let offline = app.conversation(id).await.unwrap();
    assert_eq!(offline.messages, view.messages);
}
