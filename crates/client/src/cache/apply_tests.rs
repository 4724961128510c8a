//! Unit tests of applying snapshots, events and pages.
use super::*;
use chrono::Utc;
use switchboard_protocol::{AgentRef, Author};

fn conv(id: i64, occupant: Option<i64>, version: i64) -> ConversationSummary {
    crate::test_fixtures::conversation(id, occupant, None, version)
}

fn open(dir: &tempfile::TempDir) -> Cache {
    let path = dir.path().join("c.sqlite3");
    let key = crate::test_fixtures::key();
    Cache::open(&path, &crate::test_fixtures::me(), Some(&key))
        .unwrap()
        .0
}

fn message(conversation_id: i64) -> Message {
    Message {
        id: 9,
        conversation_id,
        author: Author::Customer,
        agent: None,
        body: "hi".into(),
        created_at: Utc::now(),
        attachments: vec![],
        system: None,
    }
}

#[test]
fn older_news_never_brings_back_a_dropped_conversation_or_drops_a_newer_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut cache = open(&dir);
    let taken = Event {
        seq: 2,
        at: Utc::now(),
        kind: EventKind::ConversationTaken {
            conversation: conv(5, Some(2), 2),
            by: AgentRef {
                id: 2,
                name: "Bob".into(),
            },
        },
    };
    let created = Event {
        seq: 1,
        at: Utc::now(),
        kind: EventKind::ConversationCreated {
            conversation: conv(5, None, 1),
        },
    };
    cache.apply_events(&[created], 1).unwrap();
    cache.apply_events(&[taken], 2).unwrap();
    assert!(cache.lists().unwrap().queue.is_empty());
    // A history fetch started before Bob took it answers late, with version 1.
    let late = ConversationDetail {
        conversation: conv(5, None, 1),
        messages: vec![message(5)],
        earlier: vec![],
    };
    cache.apply_detail(&late).unwrap();
    assert!(cache.lists().unwrap().queue.is_empty(), "not resurrected");
    assert!(cache.messages(5).unwrap().is_empty());

    // The other way round: a newer row is not dropped by an older answer.
    let mine = Event {
        seq: 4,
        at: Utc::now(),
        kind: EventKind::ConversationCreated {
            conversation: conv(6, Some(1), 4),
        },
    };
    cache.apply_events(&[mine], 4).unwrap();
    let stale = ConversationDetail {
        conversation: conv(6, Some(2), 3),
        messages: vec![],
        earlier: vec![],
    };
    cache.apply_detail(&stale).unwrap();
    assert_eq!(cache.lists().unwrap().mine.len(), 1);

    // Blocked customers' conversations stay gone too.
    let blocked = Event {
        seq: 5,
        at: Utc::now(),
        kind: EventKind::CustomerBlocked {
            customer_id: 6,
            conversation_ids: vec![6],
            by: AgentRef {
                id: 2,
                name: "Bob".into(),
            },
        },
    };
    cache.apply_events(&[blocked], 5).unwrap();
    let before_block = ConversationDetail {
        conversation: conv(6, Some(1), 4),
        messages: vec![message(6)],
        earlier: vec![],
    };
    cache.apply_detail(&before_block).unwrap();
    assert!(cache.lists().unwrap().mine.is_empty());
}

#[test]
fn a_system_line_keeps_what_it_says_for_the_agents_language() {
    let dir = tempfile::tempdir().unwrap();
    let mut cache = open(&dir);
    let transferred = Message {
        id: 10,
        author: Author::System,
        agent: Some(AgentRef {
            id: 2,
            name: "Bob".into(),
        }),
        body: "Transferred by Bob to Alice. Note: VIP".into(),
        system: Some(switchboard_protocol::SystemLine::Transferred {
            to: "Alice".into(),
            note: Some("VIP".into()),
        }),
        ..message(5)
    };
    let detail = ConversationDetail {
        conversation: conv(5, None, 1),
        messages: vec![message(5), transferred.clone()],
        earlier: vec![],
    };
    cache.apply_detail(&detail).unwrap();
    let read = cache.messages(5).unwrap();
    let said: Vec<_> = read.iter().map(|m| (&m.body, &m.system)).collect();
    assert_eq!(
        said,
        [
            (&"hi".to_string(), &None),
            (&transferred.body, &transferred.system)
        ]
    );
}

#[test]
fn the_customers_language_is_kept_with_the_summary_and_follows_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut cache = open(&dir);
    let created = Event {
        seq: 1,
        at: Utc::now(),
        kind: EventKind::ConversationCreated {
            conversation: ConversationSummary {
                language: Some("fr".into()),
                ..conv(5, None, 1)
            },
        },
    };
    cache.apply_events(&[created], 1).unwrap();
    let queue = cache.lists().unwrap().queue;
    assert_eq!(queue[0].language.as_deref(), Some("fr"));
    let changed = Event {
        seq: 2,
        at: Utc::now(),
        kind: EventKind::LanguageChanged {
            conversation: ConversationSummary {
                language: Some("en".into()),
                ..conv(5, None, 2)
            },
        },
    };
    let applied = cache.apply_events(&[changed], 2).unwrap();
    assert_eq!(applied.conversations, [5]);
    let queue = cache.lists().unwrap().queue;
    assert_eq!(queue[0].language.as_deref(), Some("en"));
    // A summary cached before the field existed reads as having none.
    let older: ConversationSummary = serde_json::from_value({
        let mut v = serde_json::to_value(conv(6, None, 3)).unwrap();
        v.as_object_mut().unwrap().remove("language");
        v
    })
    .unwrap();
    assert_eq!(older.language, None);
}
