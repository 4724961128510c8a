//! Fuzz targets for every parser facing the outside. Each takes any bytes and
//! must neither panic nor break its parser's promise (checked with asserts):
//!
//! - `sms_webhook`: the SMS provider's form and its signature check;
//! - `rating`: a customer's texted rating ("4", "five", "★★★");
//! - `json_bodies`: the customers' and agents' JSON request bodies, with the
//!   server's checks of what they carry;
//! - `search_query`: the search box → FTS5 query builder, run on a real FTS5
//!   table with the cache's tokenizer;
//! - `stream_frame`: the engine's reading of a stream frame.
//!
//! `scripts/fuzz` runs them coverage-guided under libFuzzer; `cargo test`
//! replays each corpus (`crates/fuzz/corpus/<target>`) and mutations of it
//! (tests/corpus.rs). See docs/fuzzing.md.
// A fuzz target reports a broken promise by panicking: that is its job.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use serde::{de::DeserializeOwned, Serialize};
use std::cell::RefCell;
use std::time::Duration;
use switchboard_protocol as p;
use switchboard_server::http::sms_api::{form_pairs, read_form, InboundForm};
use switchboard_server::sms::{is_e164, signature, SmsConfig};
use switchboard_server::{store::rules::parse_rating, validate};

/// A fuzz target: any bytes in, a panic when a promise breaks.
pub type Target = fn(&[u8]);

/// Every target by name, as `scripts/fuzz` and the corpus test know them.
pub const TARGETS: &[(&str, Target)] = &[
    ("sms_webhook", sms_webhook),
    ("rating", rating),
    ("json_bodies", json_bodies),
    ("search_query", search_query),
    ("stream_frame", stream_frame),
];

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

// ------------------------------------------------------------------ SMS webhook

const OUR_NUMBER: &str = "+15550001111";
const ACCOUNT: &str = "AC00000000000000000000000000000000";
const URL: &str = "https://support.example.com/api/v1/sms/twilio";

fn sms_config() -> SmsConfig {
    SmsConfig {
        account_sid: ACCOUNT.into(),
        auth_token: "fuzz-auth-token".into(),
        from_number: OUR_NUMBER.into(),
        api_base: "https://api.twilio.com".into(),
        public_url: None,
        retry_base: Duration::from_secs(1),
        max_attempts: 1,
    }
}

/// The first line is the signature ("=" signs the form correctly, so that
/// the checks past the signature are reached too); the rest is the form.
pub fn sms_webhook(data: &[u8]) {
    let config = sms_config();
    let (first, form) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let params = form_pairs(form);
    let signed = first == b"=";
    let sig = if signed {
        signature(&config.auth_token, URL, &params)
    } else {
        text(first).into_owned()
    };
    match read_form(&config, URL, form, &sig) {
        Ok(InboundForm { sid, from, .. }) => {
            // Only a correctly signed form for our number gets through.
            assert!(signed || sig == signature(&config.auth_token, URL, &params));
            assert!(is_e164(&from), "{from:?}");
            assert!(!sid.is_empty() && sid.len() <= 64);
        }
        Err(e) => assert!(e.status >= 400 && e.status < 500, "{e:?}"),
    }
}

// ----------------------------------------------------------------------- rating

pub fn rating(data: &[u8]) {
    if let Some(n) = parse_rating(&text(data)) {
        assert!((1..=5).contains(&n), "{n}");
    }
}

// ------------------------------------------------------------------- JSON bodies

/// Reads a body as `T`; what reads must write back and read again the same.
fn body<T: Serialize + DeserializeOwned>(json: &[u8]) -> Option<T> {
    let v: T = serde_json::from_slice(json).ok()?;
    let written = serde_json::to_vec(&v).expect("a body read writes back");
    let again: T = serde_json::from_slice(&written).expect("what was written reads again");
    assert_eq!(
        serde_json::to_value(&v).ok(),
        serde_json::to_value(&again).ok()
    );
    Some(v)
}

/// The first byte picks the request type; the rest is its JSON. The server's
/// checks run on what reads, as the handlers run them.
pub fn json_bodies(data: &[u8]) {
    let Some((&pick, json)) = data.split_first() else {
        return;
    };
    // Checks answer Ok or a clear error; neither may panic.
    match pick % 12 {
        0 => {
            if let Some(r) = body::<p::StartConversationRequest>(json) {
                let _ = validate::short_text("name", &r.name);
                let _ = validate::email(&r.email);
                if let Some(l) = &r.language {
                    let _ = validate::language(l);
                }
            }
        }
        1 => {
            if let Some(r) = body::<p::CustomerMessageRequest>(json) {
                let _ = validate::message(&r.body);
            }
        }
        2 => {
            if let Some(r) = body::<p::SurveyRequest>(json) {
                if let Some(c) = &r.comment {
                    let _ = validate::comment(c, 1000);
                }
            }
        }
        3 => {
            body::<p::SeenRequest>(json);
        }
        4 => {
            body::<p::CustomerStreamAuth>(json);
        }
        5 => {
            if let Some(r) = body::<p::LoginRequest>(json) {
                let _ = validate::email(&r.email);
            }
        }
        6 => {
            if let Some(r) = body::<p::ReplyRequest>(json) {
                let _ = validate::message(&r.body);
            }
        }
        7 => {
            body::<p::EndRequest>(json);
        }
        8 => {
            body::<p::TakeRequest>(json);
        }
        9 => {
            if let Some(r) = body::<p::TransferRequest>(json) {
                if let Some(n) = &r.note {
                    let _ = validate::comment(n, 1000);
                }
            }
        }
        10 => {
            body::<p::OpRequest>(json);
        }
        _ => {
            body::<p::CannedReplyRequest>(json);
        }
    }
}

// ------------------------------------------------------------------ search query

thread_local! {
    /// An FTS5 table like the cache's message index, with a few rows.
    static FTS: RefCell<rusqlite::Connection> = RefCell::new({
        let conn = rusqlite::Connection::open_in_memory().expect("in-memory SQLite");
        conn.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
             INSERT INTO t (body) VALUES ('where is my parcel'), ('Zoë asked about the refund'),
               ('order #1234 – late'), ('\"quoted\" words and *stars*');",
        )
        .expect("the FTS5 table");
        conn
    });
}

/// What the search box sends: the builder's query never fails in FTS5.
pub fn search_query(data: &[u8]) {
    let input = text(data);
    let Some(query) = switchboard_client::cache::fts_query(&input) else {
        assert!(input.chars().all(|c| c.is_whitespace() || c.is_control()));
        return;
    };
    FTS.with(|conn| {
        let conn = conn.borrow();
        let found: rusqlite::Result<i64> =
            conn.query_row("SELECT count(*) FROM t WHERE t MATCH ?1", [&query], |r| {
                r.get(0)
            });
        if let Err(e) = found {
            panic!("the search box's {input:?} made {query:?}, which FTS5 refuses: {e}");
        }
    });
}

// ------------------------------------------------------------------ stream frame

/// A frame from the server (or something posing as one): read, skipped, or a
/// clear error.
pub fn stream_frame(data: &[u8]) {
    let _ = switchboard_client::engine::parse_frame(&text(data));
}
