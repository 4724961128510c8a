//! Demo data for the README's run command: agents, subjects, and conversations in
//! every state, made through the same store calls the API uses.

use crate::error::Result;
use crate::store::agents::Caller;
use crate::store::Store;
use rand::seq::SliceRandom;
use rand::Rng;
use std::time::Duration;
use switchboard_protocol::CustomerSession;
use switchboard_protocol::{EndRequest, Mood, Role, SubjectAnswer, SurveyRequest};
use uuid::Uuid;

/// The demo agents' password.
pub const DEMO_PASSWORD: &str = "switchboard-demo";

/// The demo agents: email, name, role.
pub const DEMO_AGENTS: &[(&str, &str, Role)] = &[
    ("alice@example.com", "Alice Martin", Role::Agent),
    ("bob@example.com", "Bob Chen", Role::Agent),
    ("sam@example.com", "Sam Rivera", Role::Supervisor),
    ("admin@example.com", "Ada Admin", Role::Admin),
];

fn op() -> Uuid {
    Uuid::new_v4()
}

/// Demo colleagues who have their app open: in the demo nobody else runs the
/// app, and a transfer needs someone to take it.
const PRESENT_COLLEAGUES: &[&str] = &["bob@example.com", "sam@example.com"];

/// With `--demo`, counts Bob's and Sam's apps as open on this node for as long
/// as the returned guards live, so the transfer dialog has colleagues to offer.
pub async fn simulate_colleagues(store: &Store) -> Result<Vec<crate::store::presence::Present>> {
    Ok(store
        .list_agents()
        .await?
        .into_iter()
        .filter(|a| PRESENT_COLLEAGUES.contains(&a.email.as_str()))
        .map(|a| store.presence.hold(a.id))
        .collect())
}

/// Seeds an empty database; leaves one that has agents alone.
pub async fn seed(store: &Store) -> Result<()> {
    if !store.list_agents().await?.is_empty() {
        println!("demo: database already has agents; not seeding");
        return Ok(());
    }
    let mut callers = Vec::new();
    for (email, name, role) in DEMO_AGENTS {
        let id = store.add_agent(email, name, *role, DEMO_PASSWORD).await?;
        callers.push(Caller {
            id,
            name: name.to_string(),
            email: email.to_string(),
            role: *role,
        });
    }
    let subjects: Vec<String> = [
        "Billing",
        "Shipping",
        "Returns",
        "Technical problem",
        "Account",
        "Other",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    store.set_subjects(&subjects).await?;
    let (alice, bob) = (&callers[0], &callers[1]);

    // Archived: a few closed conversations in Alice's archive.
    let closed = [
        ("Maria Garcia", "maria.garcia@example.net", "Hi, my order #1042 hasn't arrived yet.", "It left our warehouse yesterday; here is the tracking link: https://example.com/track/1042", Some("Shipping"), Mood::Happy),
        ("Jonas Weber", "jonas.weber@example.org", "I was charged twice this month.", "Sorry about that! The duplicate charge is refunded; you'll see it in 3-5 days.", Some("Billing"), Mood::Unhappy),
        ("Priya Nair", "priya@example.in", "How do I reset my password?", "Use 'Forgot password' on the sign-in page; the link is valid for an hour.", None, Mood::DontKnow),
    ];
    for (name, email, question, answer, subject, mood) in closed {
        let s = store.start_conversation(name, email, None).await?;
        store
            .customer_post(s.conversation_id, &s.token, question, None)
            .await?;
        store.take(alice, s.conversation_id, op(), false).await?;
        store
            .reply(alice, s.conversation_id, op(), answer.to_string())
            .await?;
        store
            .customer_post(s.conversation_id, &s.token, "Thank you!", None)
            .await?;
        store
            .reply(
                alice,
                s.conversation_id,
                op(),
                "You're welcome, have a nice day!".into(),
            )
            .await?;
        let subject = subject.map_or(SubjectAnswer::DontKnow, |s| SubjectAnswer::Known(s.into()));
        store
            .end(
                alice,
                s.conversation_id,
                EndRequest {
                    op_id: op(),
                    subject,
                    mood,
                },
            )
            .await?;
        // Two of the three customers rate the chat (the report has figures).
        if mood != Mood::DontKnow {
            let rating = if mood == Mood::Happy { 5 } else { 3 };
            let comment = (mood == Mood::Happy).then(|| "Fast and friendly, thanks!".to_string());
            store
                .customer_survey(
                    s.conversation_id,
                    &s.token,
                    &SurveyRequest { rating, comment },
                )
                .await?;
        }
    }

    // Mine: Alice is serving Tom, who is waiting for an answer.
    let tom = store
        .start_conversation("Tom Becker", "tom.becker@example.com", Some("en-US"))
        .await?;
    store
        .customer_post(
            tom.conversation_id,
            &tom.token,
            "Can I change my plan mid-month?",
            None,
        )
        .await?;
    store.take(alice, tom.conversation_id, op(), false).await?;
    store
        .reply(
            alice,
            tom.conversation_id,
            op(),
            "Yes, you can. Which plan would you like?".into(),
        )
        .await?;
    store
        .customer_post(
            tom.conversation_id,
            &tom.token,
            "The yearly one. What would it cost?",
            None,
        )
        .await?;

    // Queue: a new customer waiting, and two freed by Bob (one up to date, one not).
    let yuki = store
        .start_conversation("Yuki Tanaka", "yuki@example.jp", Some("ja-JP"))
        .await?;
    store
        .customer_post(
            yuki.conversation_id,
            &yuki.token,
            "Hello? My parcel came damaged.",
            None,
        )
        .await?;
    let leo = store
        .start_conversation("Leo Rossi", "leo.rossi@example.it", Some("fr-CH"))
        .await?;
    store
        .customer_post(
            leo.conversation_id,
            &leo.token,
            "Do you ship to Italy?",
            None,
        )
        .await?;
    store.take(bob, leo.conversation_id, op(), false).await?;
    store
        .reply(
            bob,
            leo.conversation_id,
            op(),
            "We do! Delivery takes 4-6 working days.".into(),
        )
        .await?;
    store.free(bob, leo.conversation_id, op()).await?;
    let ana = store
        .start_conversation("Ana Souza", "ana.souza@example.br", Some("pt-BR"))
        .await?;
    store
        .customer_post(
            ana.conversation_id,
            &ana.token,
            "I need an invoice for order #2290.",
            None,
        )
        .await?;
    store.take(bob, ana.conversation_id, op(), false).await?;
    store
        .reply(
            bob,
            ana.conversation_id,
            op(),
            "Sure, which company name should be on it?".into(),
        )
        .await?;
    store
        .customer_post(
            ana.conversation_id,
            &ana.token,
            "Souza Design Ltda, please.",
            None,
        )
        .await?;
    store.free(bob, ana.conversation_id, op()).await?;

    // Spam: reported by Alice, visible to supervisors only.
    let spam = store
        .start_conversation("WIN A PRIZE", "prize@spam.example", None)
        .await?;
    store
        .customer_post(
            spam.conversation_id,
            &spam.token,
            "Click here to claim your free phone!!!",
            None,
        )
        .await?;
    store.spam(alice, spam.conversation_id, op()).await?;

    println!("demo: seeded. Sign in with any of these (password: {DEMO_PASSWORD}):");
    for (email, name, role) in DEMO_AGENTS {
        println!("demo:   {email}  ({name}, {})", role.as_str());
    }
    Ok(())
}

/// Customers of the demo's simulator: name, email, what they first write.
const VISITORS: &[(&str, &str, &str)] = &[
    (
        "Olivia Brown",
        "olivia.brown@example.com",
        "Hi! Can I still change the delivery address of my order?",
    ),
    (
        "Mateo Silva",
        "mateo.silva@example.com",
        "My discount code SPRING20 says it is invalid.",
    ),
    (
        "Hannah Müller",
        "hannah.mueller@example.de",
        "The blender I got makes a strange noise. Can I return it?",
    ),
    (
        "Kenji Sato",
        "kenji.sato@example.jp",
        "Do you have the blue jacket in size L?",
    ),
    (
        "Amara Okafor",
        "amara.okafor@example.ng",
        "I was charged but never got a confirmation email.",
    ),
    (
        "Lucas Martin",
        "lucas.martin@example.fr",
        "How long does shipping to Lyon take?",
    ),
];

/// What waiting customers add when nobody answers.
const FOLLOW_UPS: &[&str] = &[
    "Hello? Is anyone there?",
    "Any news on this?",
    "I also have the order number if that helps: #4471",
    "Sorry, one more thing — it is a gift, can you skip the invoice?",
    "Thanks, I'll wait.",
];

/// Simulated customers whose chat ended mostly rate it (3 to 5 stars), then leave.
async fn rate_ended_chats(store: &Store, open: &mut Vec<CustomerSession>) {
    let mut still_open = Vec::with_capacity(open.len());
    for s in open.drain(..) {
        let ended = match store.customer_read(s.conversation_id, &s.token).await {
            Ok(view) => view.ended,
            Err(_) => false,
        };
        if !ended {
            still_open.push(s);
            continue;
        }
        let rating = {
            let mut rng = rand::thread_rng();
            rng.gen_bool(0.7).then(|| rng.gen_range(3..=5))
        };
        if let Some(rating) = rating {
            let req = SurveyRequest {
                rating,
                comment: None,
            };
            if let Err(e) = store
                .customer_survey(s.conversation_id, &s.token, &req)
                .await
            {
                tracing::warn!("demo customer simulator: {}", e.body.message);
            }
        }
    }
    *open = still_open;
}

/// Keeps the demo alive: every `every` (±50%), a customer starts a chat or writes
/// again, through the same store calls the customer API uses, so agents' apps
/// get live events and notifications.
pub async fn simulate_customers(store: Store, every: Duration) {
    let mut open: Vec<CustomerSession> = Vec::new();
    loop {
        let wait = {
            let mut rng = rand::thread_rng();
            every.mul_f64(rng.gen_range(0.5..1.5))
        };
        tokio::time::sleep(wait).await;
        rate_ended_chats(&store, &mut open).await;
        let (follow_up, visitor, line) = {
            let mut rng = rand::thread_rng();
            (
                !open.is_empty() && rng.gen_bool(0.5),
                VISITORS.choose(&mut rng).copied(),
                FOLLOW_UPS.choose(&mut rng).copied(),
            )
        };
        let result = if follow_up {
            let s = open[rand::thread_rng().gen_range(0..open.len())].clone();
            store
                .customer_post(s.conversation_id, &s.token, line.unwrap_or("Hello?"), None)
                .await
                .map(|r| {
                    if let Some(next) = r.session {
                        open.retain(|o| o.conversation_id != s.conversation_id);
                        open.push(next);
                    }
                })
        } else if let Some((name, email, first)) = visitor {
            match store.start_conversation(name, email, None).await {
                Ok(s) => store
                    .customer_post(s.conversation_id, &s.token, first, None)
                    .await
                    .map(|_| open.push(s)),
                Err(e) => Err(e),
            }
        } else {
            Ok(())
        };
        if let Err(e) = result {
            tracing::warn!("demo customer simulator: {}", e.body.message);
        }
        // Keep a handful of chats going.
        if open.len() > 8 {
            open.remove(0);
        }
    }
}
