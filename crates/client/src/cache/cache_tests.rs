//! Unit tests of the cache: readers and the writer, snapshots and histories,
//! the lists' rows and orders.

use super::*;
use switchboard_protocol::{ConversationDetail, Event, EventKind, Snapshot};

#[test]
fn the_queue_is_served_oldest_wait_first_then_the_customers_not_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let me = crate::test_fixtures::me();
    let (mut cache, _) = Cache::open(
        &dir.path().join("c.sqlite3"),
        &me,
        Some(&crate::test_fixtures::key()),
    )
    .unwrap();
    let t0 = chrono::Utc::now();
    let at = |secs: i64| t0 - chrono::Duration::seconds(secs);
    let queued = |id: i64, waited: Option<i64>, last: i64| {
        let mut c = crate::test_fixtures::conversation(id, None, Some("hello"), 1);
        c.last_message_at = Some(at(last));
        match waited {
            // Sub-second and whole-second stamps: compared as times, not text.
            Some(w) => {
                c.unanswered.as_mut().unwrap().waiting_since =
                    at(w) + chrono::Duration::milliseconds(if id % 2 == 0 { 0 } else { 250 })
            }
            None => c.unanswered = None,
        }
        c
    };
    let queue = vec![
        queued(1, Some(60), 5),
        queued(2, None, 30),
        queued(3, Some(600), 1),
        queued(4, None, 10),
        queued(5, Some(60), 2),
        queued(6, Some(60), 2),
    ];
    cache
        .apply_snapshot(&Snapshot {
            seq: 1,
            me: me.clone(),
            mine: vec![],
            queue,
            others: vec![],
            archive: vec![],
            subjects: vec![],
            availability: Default::default(),
            canned_replies: vec![],
        })
        .unwrap();
    let order: Vec<i64> = cache.lists().unwrap().queue.iter().map(|c| c.id).collect();
    // 3 waited 10 minutes; 6 a minute exactly, 1 and 5 a quarter second less
    // (ties by id); then 4 and 2, who wait for nothing, latest message first.
    assert_eq!(order, vec![3, 6, 1, 5, 4, 2]);
}

#[test]
fn a_reader_never_waits_behind_a_write_batch_and_sees_only_what_was_committed() {
    let dir = tempfile::tempdir().unwrap();
    let me = crate::test_fixtures::me();
    let (mut writer, _) = Cache::open(
        &dir.path().join("c.sqlite3"),
        &me,
        Some(&crate::test_fixtures::key()),
    )
    .unwrap();
    let reader = writer.reader().unwrap();
    let created = |id: i64| Event {
        seq: id,
        at: chrono::Utc::now(),
        kind: EventKind::ConversationCreated {
            conversation: crate::test_fixtures::conversation(id, None, Some("hello"), id),
        },
    };
    writer.apply_events(&[created(1)], 1).unwrap();

    // A write batch in progress (the writer's transaction holds the write
    // lock): the reader answers at once, from the last commit.
    let tx = writer.conn.transaction().unwrap();
    tx.execute(
        "UPDATE conversations SET state = 'archived' WHERE id = 1",
        [],
    )
    .unwrap();
    let (sent, got) = std::sync::mpsc::channel();
    let reading = std::thread::spawn(move || {
        let lists = reader.read(Cache::lists).unwrap();
        sent.send(lists.queue.len()).unwrap();
        reader
    });
    // Not a timing: a reader waiting on the lock would time out (busy)
    // after 5 s and fail, or answer only after the rollback below.
    assert_eq!(
        got.recv_timeout(std::time::Duration::from_secs(4)),
        Ok(1),
        "the reader answered during the write, from the last commit"
    );
    let reader = reading.join().unwrap();
    tx.rollback().unwrap();

    // Readers write nothing.
    assert!(reader
        .conn
        .execute("DELETE FROM conversations", [])
        .is_err());
    // What the writer commits, the reader sees.
    writer
        .apply_detail(&ConversationDetail {
            conversation: crate::test_fixtures::conversation(2, None, None, 2),
            messages: vec![],
            earlier: vec![],
        })
        .unwrap();
    assert_eq!(reader.read(Cache::lists).unwrap().queue.len(), 2);
}

/// Runs the background check at once and waits for what it found.
fn check_now(cache: &Cache) -> Option<String> {
    cache
        .check_in_background(std::time::Duration::ZERO)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn a_damaged_page_found_by_the_background_check_has_the_cache_rebuilt_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let me = crate::test_fixtures::me();
    let path = dir.path().join("c.sqlite3");
    let (mut cache, _) = Cache::open(&path, &me, Some(&crate::test_fixtures::key())).unwrap();
    let events: Vec<Event> = (1..=300)
        .map(|id| Event {
            seq: id,
            at: chrono::Utc::now(),
            kind: EventKind::ConversationCreated {
                conversation: crate::test_fixtures::conversation(id, None, Some("hello"), id),
            },
        })
        .collect();
    cache.apply_events(&events, 300).unwrap();
    // A sound file passes.
    assert_eq!(check_now(&cache), None);
    drop(cache);

    // Garbage over pages in the middle of the file; its header is intact, so
    // opening does not notice.
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 16 * 4096, "{} bytes", bytes.len());
    for b in &mut bytes[8 * 4096..12 * 4096] {
        *b = 0x5a;
    }
    std::fs::write(&path, bytes).unwrap();
    let (cache, rebuilt) = Cache::open(&path, &me, Some(&crate::test_fixtures::key())).unwrap();
    assert_eq!(rebuilt, None);
    let found = check_now(&cache);
    assert!(
        found.as_deref().is_some_and(|f| f.contains("damaged")),
        "{found:?}"
    );
    drop(cache);

    let (cache, rebuilt) = Cache::open(&path, &me, Some(&crate::test_fixtures::key())).unwrap();
    let rebuilt = rebuilt.expect("set aside at the next open");
    assert_eq!(Some(rebuilt.reason), found);
    assert!(rebuilt.moved_to.exists());
    assert!(!damage_marker(&path).exists());
    assert!(cache.lists().unwrap().queue.is_empty(), "a fresh cache");
    assert_eq!(check_now(&cache), None);
}

#[test]
fn a_wanted_history_is_remembered_across_restarts_until_it_is_stored() {
    use switchboard_protocol::Snapshot;
    let dir = tempfile::tempdir().unwrap();
    let me = crate::test_fixtures::me();
    let path = dir.path().join("c.sqlite3");
    let (mut cache, _) = Cache::open(&path, &me, Some(&crate::test_fixtures::key())).unwrap();
    // Met in a snapshot with messages this cache has not got.
    let mut c = crate::test_fixtures::conversation(7, None, Some("hello"), 3);
    c.last_message_at = Some(chrono::Utc::now());
    cache
        .apply_snapshot(&Snapshot {
            seq: 3,
            me: me.clone(),
            mine: vec![],
            queue: vec![c.clone()],
            others: vec![],
            archive: vec![],
            subjects: vec![],
            availability: Default::default(),
            canned_replies: vec![],
        })
        .unwrap();
    assert_eq!(cache.histories_wanted().unwrap(), vec![7]);
    drop(cache);
    // A crash before the history came: the next run still wants it.
    let (mut cache, _) = Cache::open(&path, &me, Some(&crate::test_fixtures::key())).unwrap();
    assert_eq!(cache.histories_wanted().unwrap(), vec![7]);
    cache
        .apply_detail(&ConversationDetail {
            conversation: c,
            messages: vec![],
            earlier: vec![],
        })
        .unwrap();
    assert!(cache.histories_wanted().unwrap().is_empty());
}

#[test]
fn the_archive_comes_as_its_first_rows_and_its_size_then_a_page_at_a_time() {
    use switchboard_protocol::{
        AgentRef, ArchivePage, ArchivedConversation, Closure, ConversationState, Mood,
        Questionnaire, SubjectAnswer,
    };
    let dir = tempfile::tempdir().unwrap();
    let me = crate::test_fixtures::me();
    let (mut cache, _) = Cache::open(
        &dir.path().join("c.sqlite3"),
        &me,
        Some(&crate::test_fixtures::key()),
    )
    .unwrap();
    let total = ARCHIVE_HEAD as i64 + 50;
    let archived = |id: i64| {
        let mut c = crate::test_fixtures::conversation(id, None, None, id);
        c.state = ConversationState::Archived;
        c.closure = Some(Closure {
            // Conversation 1 closed last.
            closed_at: chrono::DateTime::from_timestamp(2_000_000_000 - id * 60, 0).unwrap(),
            closed_by: AgentRef {
                id: me.id,
                name: me.name.clone(),
            },
            questionnaire: Questionnaire {
                subject: SubjectAnswer::DontKnow,
                mood: Mood::Happy,
            },
        });
        ArchivedConversation {
            conversation: c,
            messages: vec![],
        }
    };
    let page = ArchivePage {
        conversations: (1..=total).map(archived).collect(),
        removed: vec![],
        next_cursor: total,
        has_more: false,
        remaining: 0,
    };
    cache.apply_archive_page(&page, 1).unwrap();
    let lists = cache.lists().unwrap();
    assert_eq!(lists.archive_total as i64, total);
    let head: Vec<i64> = lists.archive.iter().map(|c| c.id).collect();
    assert_eq!(head, (1..=ARCHIVE_HEAD as i64).collect::<Vec<_>>());
    let rest: Vec<i64> = cache
        .archive_rows(ARCHIVE_HEAD, 100)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(rest, (ARCHIVE_HEAD as i64 + 1..=total).collect::<Vec<_>>());
    assert!(cache.archive_rows(total as u32, 100).unwrap().is_empty());
    assert_eq!(
        cache.archive_rows(0, 10_000).unwrap().len() as i64,
        total.min(500)
    );
}

#[test]
fn a_changed_row_is_placed_in_the_list_that_reading_the_lists_puts_it_in() {
    use switchboard_protocol::{
        AgentRef, Closure, ConversationState, ConversationSummary, Questionnaire, Role,
    };
    let closed = |id: i64, by: i64| {
        let mut c = crate::test_fixtures::conversation(id, None, None, 1);
        c.state = ConversationState::Archived;
        c.closure = Some(Closure {
            closed_at: chrono::Utc::now(),
            closed_by: AgentRef {
                id: by,
                name: format!("Agent {by}"),
            },
            questionnaire: Questionnaire {
                subject: switchboard_protocol::SubjectAnswer::DontKnow,
                mood: switchboard_protocol::Mood::DontKnow,
            },
        });
        c
    };
    let mut spam = crate::test_fixtures::conversation(6, None, None, 1);
    spam.state = ConversationState::Spam;
    let all = [
        crate::test_fixtures::conversation(1, None, Some("hi"), 1),
        crate::test_fixtures::conversation(2, Some(1), None, 1),
        crate::test_fixtures::conversation(3, Some(2), None, 1),
        closed(4, 1),
        closed(5, 2),
        spam,
    ];
    for role in [Role::Agent, Role::Supervisor] {
        let dir = tempfile::tempdir().unwrap();
        let me = Me {
            role,
            ..crate::test_fixtures::me()
        };
        let (mut cache, _) = Cache::open(
            &dir.path().join("c.sqlite3"),
            &me,
            Some(&crate::test_fixtures::key()),
        )
        .unwrap();
        let events: Vec<Event> = all
            .iter()
            .enumerate()
            .map(|(i, c)| Event {
                seq: i as i64 + 1,
                at: chrono::Utc::now(),
                kind: EventKind::ConversationCreated {
                    conversation: c.clone(),
                },
            })
            .collect();
        cache.apply_events(&events, 6).unwrap();
        let lists = cache.lists().unwrap();
        let ids: Vec<i64> = all.iter().map(|c| c.id).collect();
        let rows = cache.list_rows(&ids).unwrap();
        let mut placed = std::collections::BTreeMap::<&str, Vec<i64>>::new();
        for r in &rows {
            if let Some(l) = &r.listed {
                assert_eq!(l.summary.id, r.id);
                placed
                    .entry(format!("{:?}", l.list).leak())
                    .or_default()
                    .push(r.id);
            }
        }
        let read = |v: &Vec<ConversationSummary>| v.iter().map(|c| c.id).collect::<Vec<_>>();
        let mut expected = std::collections::BTreeMap::<&str, Vec<i64>>::new();
        for (name, list) in [
            ("Mine", &lists.mine),
            ("Queue", &lists.queue),
            ("Others", &lists.others),
            ("Archive", &lists.archive),
        ] {
            if !list.is_empty() {
                expected.insert(name, read(list));
            }
        }
        assert_eq!(placed, expected, "{role:?}");
        assert_eq!(cache.archive_total().unwrap(), lists.archive_total);
        // What the lists show, by role: a supervisor also sees Agent 2's.
        let others = if role == Role::Agent {
            None
        } else {
            Some(&vec![3])
        };
        assert_eq!(expected.get("Others"), others);
        assert_eq!(expected.get("Archive"), Some(&vec![4]));
    }
}

#[test]
fn the_archive_kept_is_capped_by_months_and_a_wider_cap_asks_for_it_again() {
    use switchboard_protocol::{
        AgentRef, ArchivePage, ArchivedConversation, Closure, ConversationState, Message, Mood,
        Questionnaire, SubjectAnswer,
    };
    let dir = tempfile::tempdir().unwrap();
    let me = crate::test_fixtures::me();
    let (mut cache, _) = Cache::open(
        &dir.path().join("c.sqlite3"),
        &me,
        Some(&crate::test_fixtures::key()),
    )
    .unwrap();
    // Conversation `id` closed `months` months ago, with one message.
    let archived = |id: i64, months: u32| {
        let mut c = crate::test_fixtures::conversation(id, None, None, id);
        c.state = ConversationState::Archived;
        let closed_at = chrono::Utc::now()
            .checked_sub_months(chrono::Months::new(months))
            .unwrap();
        c.closure = Some(Closure {
            closed_at,
            closed_by: AgentRef {
                id: me.id,
                name: me.name.clone(),
            },
            questionnaire: Questionnaire {
                subject: SubjectAnswer::DontKnow,
                mood: Mood::Happy,
            },
        });
        ArchivedConversation {
            conversation: c,
            messages: vec![Message {
                id: id * 100,
                conversation_id: id,
                author: switchboard_protocol::Author::Customer,
                agent: None,
                body: format!("quince number {id}"),
                created_at: closed_at,
                attachments: vec![],
                system: None,
            }],
        }
    };
    let page = || ArchivePage {
        conversations: vec![archived(1, 2), archived(2, 8), archived(3, 30)],
        removed: vec![],
        next_cursor: 3,
        has_more: false,
        remaining: 0,
    };
    let archive = |cache: &Cache| -> Vec<i64> {
        let mut ids: Vec<i64> = cache
            .lists()
            .unwrap()
            .archive
            .iter()
            .map(|c| c.id)
            .collect();
        ids.sort();
        ids
    };
    cache.apply_archive_page(&page(), 1).unwrap();
    assert_eq!(archive(&cache), vec![1, 2, 3]);

    // Six months: the two older ones go, words and all.
    assert!(!cache.set_archive_months(Some(6)).unwrap(), "narrower");
    assert_eq!(archive(&cache), vec![1]);
    let found: Vec<i64> = cache
        .search("quince", 50)
        .unwrap()
        .iter()
        .map(|h| h.conversation.id)
        .collect();
    assert_eq!(found, vec![1]);
    // The next archive pass brings them again: still not kept.
    cache.apply_archive_page(&page(), 1).unwrap();
    assert_eq!(archive(&cache), vec![1]);

    // A year: wider, so the pass must run in full; then the 8-month-old is back.
    assert!(cache.set_archive_months(Some(12)).unwrap(), "wider");
    cache.apply_archive_page(&page(), 1).unwrap();
    assert_eq!(archive(&cache), vec![1, 2]);
    // No cap: all of it.
    assert!(cache.set_archive_months(None).unwrap());
    cache.apply_archive_page(&page(), 1).unwrap();
    assert_eq!(archive(&cache), vec![1, 2, 3]);
    assert_eq!(cache.prune_archive().unwrap(), 0);
}
