//! The notification policy's team rules: conversations transferred to me, and
//! being away.
use super::tests::{closes, conv, customer_writes, me, shows, ME, OTHER};
use super::*;
use chrono::Utc;
use std::time::Duration;
use switchboard_protocol::AgentRef;

fn transferred(c: ConversationSummary, by: i64, to: i64, note: Option<&str>) -> Event {
    let agent = |id: i64| AgentRef {
        id,
        name: if id == ME { "Alice" } else { "Bob" }.into(),
    };
    Event {
        seq: 4,
        at: Utc::now(),
        kind: EventKind::ConversationTransferred {
            conversation: c,
            by: agent(by),
            from: agent(by),
            to: agent(to),
            note: note.map(Into::into),
        },
    }
}

fn agent_changed(availability: Availability) -> Event {
    Event {
        seq: 5,
        at: Utc::now(),
        kind: EventKind::AgentChanged {
            agent: AgentRef {
                id: ME,
                name: "Alice".into(),
            },
            availability,
            capacity: None,
            connected: true,
        },
    }
}

#[test]
fn a_conversation_transferred_to_me_is_notified_with_who_and_the_note() {
    let mut p = Policy::new(&me(), Settings::default());
    let now = Instant::now();
    let d = p.on_events(
        &[transferred(
            conv(5, Some(ME), None),
            OTHER,
            ME,
            Some("refund approved"),
        )],
        now,
    );
    assert_eq!(
        shows(&d),
        vec![(
            5,
            "Customer 5 · transferred to you".into(),
            "Bob: refund approved".into(),
            false
        )]
    );
    // A waiting customer handed over is then reminded of like any other.
    let d = p.on_events(
        &[transferred(
            conv(6, Some(ME), Some("hello?")),
            OTHER,
            ME,
            None,
        )],
        now,
    );
    assert_eq!(shows(&d)[0].2, "Transferred to you by Bob");
    assert_eq!(p.waiting(), 1);
    let later = now + Duration::from_secs(121);
    assert_eq!(
        shows(&p.tick(later)).len(),
        1,
        "reminded after the interval"
    );
    // Handing one away withdraws its notification.
    let d = p.on_events(
        &[transferred(
            conv(6, Some(OTHER), Some("hello?")),
            ME,
            OTHER,
            None,
        )],
        later,
    );
    assert_eq!(closes(&d), vec![6]);
    assert!(shows(&d).is_empty());
}

#[test]
fn notifications_speak_the_agents_language() {
    let fr = switchboard_i18n::Lang::from_tag("fr").unwrap();
    let mut p = Policy::new(
        &me(),
        Settings {
            lang: fr,
            ..Settings::default()
        },
    );
    let d = p.on_events(
        &[transferred(conv(5, Some(ME), None), OTHER, ME, None)],
        Instant::now(),
    );
    assert_eq!(
        shows(&d),
        vec![(
            5,
            "Customer 5 · vous a été transférée".into(),
            "Transférée par Bob".into(),
            false
        )]
    );
    let Some(Decision::Show(n)) = d.iter().find(|d| matches!(d, Decision::Show(_))) else {
        panic!("{d:?}")
    };
    assert_eq!(n.open, "Ouvrir la conversation");
}

#[test]
fn away_agents_hear_nothing_of_the_queue_but_still_of_their_own() {
    let mut p = Policy::new(&me(), Settings::default());
    let now = Instant::now();
    p.on_events(&[customer_writes(conv(5, None, Some("anyone?")))], now);
    let d = p.on_events(&[agent_changed(Availability::Away)], now);
    assert!(p.take_availability_changed());
    assert!(d.is_empty());
    // The caller reconciles with the lists: the queue's customer is withdrawn.
    let lists = Lists {
        queue: vec![conv(5, None, Some("anyone?"))],
        ..Lists::default()
    };
    assert_eq!(closes(&p.reconcile(&lists)), vec![5]);
    assert!(p
        .on_events(&[customer_writes(conv(7, None, Some("hi")))], now)
        .is_empty());
    let mine = p.on_events(&[customer_writes(conv(8, Some(ME), Some("still me")))], now);
    assert_eq!(
        shows(&mine).len(),
        1,
        "their own conversations still notify"
    );
    // Back: the queue's waiting customers are shown at the next tick.
    p.on_events(&[agent_changed(Availability::Available)], now);
    assert!(p.take_availability_changed());
    assert!(!p.take_availability_changed(), "asked once");
    let lists = Lists {
        queue: vec![conv(7, None, Some("hi"))],
        mine: vec![conv(8, Some(ME), Some("still me"))],
        ..Lists::default()
    };
    p.reconcile(&lists);
    let shown: Vec<i64> = shows(&p.tick(now)).iter().map(|s| s.0).collect();
    assert_eq!(shown, vec![7]);
}

#[test]
fn the_agent_whose_conversation_was_returned_is_told_why() {
    let mut p = Policy::new(&me(), Settings::default());
    let now = Instant::now();
    let returned = |from: i64| Event {
        seq: 6,
        at: Utc::now(),
        kind: EventKind::ConversationReturned {
            conversation: conv(5, None, Some("hello??")),
            from: AgentRef {
                id: from,
                name: "Alice".into(),
            },
        },
    };
    let d = p.on_events(&[returned(ME)], now);
    assert_eq!(
        shows(&d),
        vec![(
            5,
            "Customer 5 · returned to the queue".into(),
            "No answer from you in time. Waiting: hello??".into(),
            false
        )]
    );
    // Waiting in the queue now: reminded like any other.
    assert_eq!(p.waiting(), 1);
    // Someone else's returned conversation is a customer newly in the queue.
    let mut q = Policy::new(&me(), Settings::default());
    let d = q.on_events(&[returned(OTHER)], now);
    assert_eq!(shows(&d)[0].1, "Customer 5 · not assigned");
}
