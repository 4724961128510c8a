//! One test per rule of the notification policy.
use super::*;
use chrono::Utc;
use switchboard_protocol::{AgentRef, Message};

pub(super) const ME: i64 = 1;
pub(super) const OTHER: i64 = 2;

pub(super) fn me() -> Me {
    crate::test_fixtures::me()
}

pub(super) fn conv(
    id: i64,
    occupant: Option<i64>,
    unanswered: Option<&str>,
) -> ConversationSummary {
    crate::test_fixtures::conversation(id, occupant, unanswered, 1)
}

fn posted(c: ConversationSummary, author: Author, body: &str) -> Event {
    let message = Message {
        id: 1,
        conversation_id: c.id,
        author,
        agent: None,
        body: body.into(),
        created_at: Utc::now(),
        attachments: vec![],
        system: None,
    };
    Event {
        seq: 1,
        at: Utc::now(),
        kind: EventKind::MessagePosted {
            conversation: c,
            message,
        },
    }
}

pub(super) fn customer_writes(c: ConversationSummary) -> Event {
    let body = c
        .unanswered
        .as_ref()
        .map(|u| u.body.clone())
        .unwrap_or_default();
    posted(c, Author::Customer, &body)
}

pub(super) fn shows(d: &[Decision]) -> Vec<(i64, String, String, bool)> {
    d.iter()
        .filter_map(|d| match d {
            Decision::Show(n) => Some((
                n.conversation_id,
                n.title.clone(),
                n.body.clone(),
                n.reminder,
            )),
            _ => None,
        })
        .collect()
}

pub(super) fn closes(d: &[Decision]) -> Vec<i64> {
    d.iter()
        .filter_map(|d| match d {
            Decision::Close { conversation_id } => Some(*conversation_id),
            _ => None,
        })
        .collect()
}

#[test]
fn a_customer_waiting_in_the_queue_or_in_mine_is_notified_with_name_and_preview() {
    let mut p = Policy::new(&me(), Settings::default());
    let now = Instant::now();
    let d = p.on_events(
        &[customer_writes(conv(
            5,
            None,
            Some("Where is my   parcel?\n"),
        ))],
        now,
    );
    assert_eq!(
        shows(&d),
        vec![(
            5,
            "Customer 5 · not assigned".into(),
            "Where is my parcel?".into(),
            false
        )]
    );
    let d = p.on_events(&[customer_writes(conv(6, Some(ME), Some("hello")))], now);
    assert_eq!(
        shows(&d),
        vec![(6, "Customer 6".into(), "hello".into(), false)]
    );
    assert_eq!(p.waiting(), 2);
}

#[test]
fn other_agents_conversations_and_my_own_messages_raise_nothing() {
    let mut p = Policy::new(&me(), Settings::default());
    let now = Instant::now();
    assert!(p
        .on_events(&[customer_writes(conv(5, Some(OTHER), Some("psst")))], now)
        .is_empty());
    assert!(p
        .on_events(
            &[posted(conv(6, Some(ME), None), Author::Agent, "my reply")],
            now
        )
        .is_empty());
    assert_eq!(p.waiting(), 0);
}

#[test]
fn one_notification_per_conversation_updated_then_withdrawn_when_answered() {
    let mut p = Policy::new(&me(), Settings::default());
    let now = Instant::now();
    p.on_events(&[customer_writes(conv(5, Some(ME), Some("one")))], now);
    let d = p.on_events(&[customer_writes(conv(5, Some(ME), Some("two")))], now);
    assert_eq!(
        shows(&d),
        vec![(5, "Customer 5".into(), "two".into(), false)],
        "same conversation id: replaced"
    );
    let d = p.on_events(
        &[posted(conv(5, Some(ME), None), Author::Agent, "answer")],
        now,
    );
    assert_eq!(closes(&d), vec![5]);
    assert_eq!(p.waiting(), 0);
}

#[test]
fn nothing_for_the_conversation_being_read_in_a_focused_window() {
    let mut p = Policy::new(&me(), Settings::default());
    let now = Instant::now();
    p.set_view(View {
        focused: true,
        conversation: Some(5),
    });
    assert!(p
        .on_events(&[customer_writes(conv(5, Some(ME), Some("hi")))], now)
        .is_empty());
    // Another conversation still notifies; an unfocused window does not count.
    assert_eq!(
        shows(&p.on_events(&[customer_writes(conv(6, None, Some("yo")))], now)).len(),
        1
    );
    p.set_view(View {
        focused: false,
        conversation: Some(5),
    });
    assert_eq!(
        shows(&p.on_events(&[customer_writes(conv(5, Some(ME), Some("hi?")))], now)).len(),
        1
    );
    // Opening it in a focused window withdraws its notification.
    assert_eq!(
        closes(&p.set_view(View {
            focused: true,
            conversation: Some(5)
        })),
        vec![5]
    );
}

#[test]
fn reminders_while_unanswered_at_the_configured_interval() {
    let every = Duration::from_secs(60);
    let mut p = Policy::new(
        &me(),
        Settings {
            reminder: Some(every),
            ..Settings::default()
        },
    );
    let t0 = Instant::now();
    p.on_events(&[customer_writes(conv(5, None, Some("waiting")))], t0);
    assert!(p.tick(t0 + Duration::from_secs(59)).is_empty());
    let d = p.tick(t0 + every);
    assert_eq!(
        shows(&d),
        vec![(
            5,
            "Customer 5 · not assigned".into(),
            "waiting".into(),
            true
        )]
    );
    assert!(
        p.tick(t0 + every + Duration::from_secs(1)).is_empty(),
        "next one a full interval later"
    );
    assert_eq!(shows(&p.tick(t0 + every * 2)).len(), 1);
    // No reminders when switched off.
    p.set_settings(Settings {
        reminder: None,
        ..Settings::default()
    });
    assert!(p.tick(t0 + every * 10).is_empty());
}

#[test]
fn do_not_disturb_shows_nothing_and_withdraws_what_is_shown() {
    let mut p = Policy::new(&me(), Settings::default());
    let t0 = Instant::now();
    p.on_events(&[customer_writes(conv(5, None, Some("a")))], t0);
    let d = p.set_settings(Settings {
        reminder: Some(Duration::from_secs(60)),
        do_not_disturb: true,
        ..Settings::default()
    });
    assert_eq!(closes(&d), vec![5]);
    assert!(p
        .on_events(&[customer_writes(conv(6, None, Some("b")))], t0)
        .is_empty());
    assert!(p.tick(t0 + Duration::from_secs(600)).is_empty());
    // Still counted, and reminded once Do Not Disturb ends.
    assert_eq!(p.waiting(), 2);
    p.set_settings(Settings {
        reminder: Some(Duration::from_secs(60)),
        ..Settings::default()
    });
    assert_eq!(shows(&p.tick(t0 + Duration::from_secs(601))).len(), 2);
}

#[test]
fn taken_by_someone_else_or_blocked_withdraws_the_notification() {
    let mut p = Policy::new(&me(), Settings::default());
    let now = Instant::now();
    p.on_events(
        &[
            customer_writes(conv(5, None, Some("a"))),
            customer_writes(conv(6, None, Some("b"))),
        ],
        now,
    );
    let taken = Event {
        seq: 2,
        at: Utc::now(),
        kind: EventKind::ConversationTaken {
            conversation: conv(5, Some(OTHER), Some("a")),
            by: AgentRef {
                id: OTHER,
                name: "Bob".into(),
            },
        },
    };
    assert_eq!(closes(&p.on_events(&[taken], now)), vec![5]);
    let blocked = Event {
        seq: 3,
        at: Utc::now(),
        kind: EventKind::CustomerBlocked {
            customer_id: 60,
            conversation_ids: vec![6],
            by: AgentRef {
                id: OTHER,
                name: "Bob".into(),
            },
        },
    };
    assert_eq!(closes(&p.on_events(&[blocked], now)), vec![6]);
    let mut spam = conv(7, None, Some("buy"));
    spam.customer.blocked = true;
    assert!(
        p.on_events(&[customer_writes(spam)], now).is_empty(),
        "blocked customers notify nobody"
    );
    assert_eq!(p.waiting(), 0);
}

#[test]
fn a_waiting_customer_freed_into_the_queue_is_notified() {
    let mut p = Policy::new(&me(), Settings::default());
    let freed = Event {
        seq: 2,
        at: Utc::now(),
        kind: EventKind::ConversationFreed {
            conversation: conv(5, None, Some("still there?")),
            by: AgentRef {
                id: OTHER,
                name: "Bob".into(),
            },
        },
    };
    let d = p.on_events(&[freed], Instant::now());
    assert_eq!(
        shows(&d),
        vec![(
            5,
            "Customer 5 · not assigned".into(),
            "still there?".into(),
            false
        )]
    );
}

#[test]
fn customers_already_waiting_at_start_get_reminders_not_a_burst() {
    let mut p = Policy::new(
        &me(),
        Settings {
            reminder: Some(Duration::from_secs(30)),
            ..Settings::default()
        },
    );
    let t0 = Instant::now();
    let lists = Lists {
        mine: vec![conv(1, Some(ME), Some("x")), conv(2, Some(ME), None)],
        queue: vec![conv(3, None, Some("y"))],
        others: vec![],
        archive: vec![],
        archive_total: 0,
    };
    p.seed(&lists, t0);
    assert_eq!(p.waiting(), 2);
    assert!(p.tick(t0 + Duration::from_secs(1)).is_empty());
    assert_eq!(shows(&p.tick(t0 + Duration::from_secs(30))).len(), 2);
}

#[test]
fn previews_are_one_short_line() {
    assert_eq!(preview("a\n\n b\tc"), "a b c");
    let long = "x".repeat(500);
    let p = preview(&long);
    assert_eq!(p.chars().count(), PREVIEW_CHARS);
    assert!(p.ends_with('…'));
}

#[test]
fn a_message_read_on_screen_is_not_reminded_at_once() {
    let every = Duration::from_secs(60);
    let mut p = Policy::new(
        &me(),
        Settings {
            reminder: Some(every),
            ..Settings::default()
        },
    );
    let t0 = Instant::now();
    p.set_view(View {
        focused: true,
        conversation: Some(5),
    });
    assert!(p
        .on_events(&[customer_writes(conv(5, Some(ME), Some("hi")))], t0)
        .is_empty());
    p.set_view(View {
        focused: true,
        conversation: Some(6),
    });
    assert!(p.tick(t0 + Duration::from_secs(1)).is_empty(), "just read");
    assert_eq!(
        shows(&p.tick(t0 + every)).len(),
        1,
        "still unanswered a full interval later"
    );
}

#[test]
fn reconciling_with_the_lists_withdraws_the_answered_and_adds_the_waiting() {
    let mut p = Policy::new(&me(), Settings::default());
    let t0 = Instant::now();
    p.on_events(&[customer_writes(conv(5, None, Some("a")))], t0);
    // A snapshot after a gap: 5 was answered meanwhile, 7 waits.
    let lists = Lists {
        mine: vec![conv(5, Some(ME), None)],
        queue: vec![conv(7, None, Some("new"))],
        others: vec![],
        archive: vec![],
        archive_total: 0,
    };
    assert_eq!(closes(&p.reconcile(&lists)), vec![5]);
    assert_eq!(p.waiting(), 1);
    let d = p.tick(t0 + Duration::from_secs(1));
    assert_eq!(
        shows(&d).iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![7],
        "shown at the next tick"
    );
}

fn snoozed(until: chrono::DateTime<Utc>) -> Settings {
    Settings {
        reminder: Some(Duration::from_secs(60)),
        snoozed_until: Some(until),
        ..Settings::default()
    }
}

#[test]
fn a_snooze_withdraws_and_holds_everything_then_shows_who_waited_when_it_ends() {
    let mut p = Policy::new(&me(), Settings::default());
    let t0 = Instant::now();
    let wall = Utc::now();
    p.on_events(&[customer_writes(conv(5, None, Some("a")))], t0);
    let until = wall + chrono::Duration::minutes(30);
    assert_eq!(closes(&p.set_settings(snoozed(until))), vec![5]);
    // A customer starts waiting during the snooze: nothing, not even attention.
    assert!(p
        .on_events(&[customer_writes(conv(6, Some(ME), Some("b")))], t0)
        .is_empty());
    assert!(p.tick(t0 + Duration::from_secs(600)).is_empty());
    assert!(!p.wake(wall + chrono::Duration::minutes(29)), "not yet");
    assert!(p.tick(t0 + Duration::from_secs(1740)).is_empty());
    assert_eq!(p.waiting(), 2, "still counted");
    // It ends: the one who came meanwhile is shown as new, the other reminded.
    assert!(p.wake(until));
    assert_eq!(p.settings().snoozed_until, None);
    let decisions = p.tick(t0 + Duration::from_secs(1800));
    let mut d = shows(&decisions);
    d.sort();
    assert_eq!(
        d.iter().map(|s| (s.0, s.3)).collect::<Vec<_>>(),
        vec![(5, true), (6, false)]
    );
    // The one new to the agent rings and calls for attention; the reminder does not.
    let rings: Vec<(i64, bool)> = decisions
        .iter()
        .filter_map(|d| match d {
            Decision::Show(n) => Some((n.conversation_id, n.sound)),
            _ => None,
        })
        .collect();
    assert!(
        rings.contains(&(6, true)) && rings.contains(&(5, false)),
        "{rings:?}"
    );
    assert_eq!(attention(&decisions), vec![6]);
    assert!(!p.wake(until), "once");
}

#[test]
fn who_waits_is_shown_at_the_next_tick_even_with_reminders_off() {
    let mut p = Policy::new(
        &me(),
        Settings {
            reminder: None,
            ..Settings::default()
        },
    );
    let t0 = Instant::now();
    let until = Utc::now() + chrono::Duration::minutes(1);
    p.set_settings(Settings {
        reminder: None,
        ..snoozed(until)
    });
    p.on_events(&[customer_writes(conv(6, None, Some("b")))], t0);
    p.wake(until);
    assert_eq!(shows(&p.tick(t0 + Duration::from_secs(61))).len(), 1);
    assert!(
        p.tick(t0 + Duration::from_secs(3600)).is_empty(),
        "and then no reminders"
    );
}

fn attention(d: &[Decision]) -> Vec<i64> {
    d.iter()
        .filter_map(|d| match d {
            Decision::Attention { conversation_id } => Some(*conversation_id),
            _ => None,
        })
        .collect()
}

fn sounds(d: &[Decision]) -> Vec<bool> {
    d.iter()
        .filter_map(|d| match d {
            Decision::Show(n) => Some(n.sound),
            _ => None,
        })
        .collect()
}

#[test]
fn a_customer_who_starts_waiting_rings_and_asks_for_attention_when_the_window_is_elsewhere() {
    let mut p = Policy::new(&me(), Settings::default());
    let t0 = Instant::now();
    let d = p.on_events(&[customer_writes(conv(5, None, Some("hello")))], t0);
    assert_eq!(attention(&d), vec![5], "window not focused");
    assert_eq!(sounds(&d), vec![true]);
    // Writing again while still waiting: shown again, but silently and without a call.
    let d = p.on_events(&[customer_writes(conv(5, None, Some("anyone?")))], t0);
    assert_eq!((attention(&d), sounds(&d)), (vec![], vec![false]));
    // Reminders are silent.
    let d = p.tick(t0 + Duration::from_secs(120));
    assert_eq!((attention(&d), sounds(&d)), (vec![], vec![false]));
    // The window focused on another conversation: a notification with sound, no flash.
    p.set_view(View {
        focused: true,
        conversation: Some(9),
    });
    let d = p.on_events(&[customer_writes(conv(6, None, Some("hi")))], t0);
    assert_eq!((attention(&d), sounds(&d)), (vec![], vec![true]));
}

#[test]
fn attention_and_sound_follow_their_settings() {
    let mut p = Policy::new(
        &me(),
        Settings {
            attention: false,
            sound: false,
            ..Settings::default()
        },
    );
    let d = p.on_events(
        &[customer_writes(conv(5, None, Some("hello")))],
        Instant::now(),
    );
    assert_eq!((attention(&d), sounds(&d)), (vec![], vec![false]));
}
