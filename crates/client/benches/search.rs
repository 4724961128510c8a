//! Archive search over one million cached messages: the engine's `search`
//! (customers and messages, 50 conversations with the newest matches, with
//! highlighted snippets, over its partitioned index) beside the naive single FTS5
//! index of the same messages, in the same file and the same run; and the
//! engine's search again on a copy of the cache encrypted in place (as the app's
//! caches are, and as a plain cache from an earlier version is on its first
//! start): the cost of encryption at rest.
//!
//! Run: `cargo bench -p switchboard-client --bench search`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use std::time::Instant;
use switchboard_client::cache::{Cache, CacheKey};
use switchboard_protocol::*;

const CONVERSATIONS: i64 = 20_000;
const PER_CONVERSATION: i64 = 50;
const RUNS: usize = 30;

/// A small deterministic generator (xorshift), so every run builds the same data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Zipf-like: low indexes much more often.
    fn word<'a>(&mut self, words: &'a [String]) -> &'a str {
        let r = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        let i = ((words.len() as f64).powf(r) as usize).saturating_sub(1);
        &words[i.min(words.len() - 1)]
    }
}

fn vocabulary() -> Vec<String> {
    let syllables = [
        "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "pe", "zu", "da", "fo", "gi", "he", "ju",
    ];
    let mut words = Vec::new();
    for a in syllables {
        for b in syllables {
            for c in ["", "n", "s", "r"] {
                words.push(format!("{a}{b}{c}"));
            }
        }
    }
    words
}

fn summary(id: i64, me: &Me) -> ConversationSummary {
    let now = Utc::now();
    ConversationSummary {
        id,
        customer: Customer {
            id,
            name: format!("Customer {id}"),
            email: Some(format!("c{id}@example.com")),
            phone: None,
            blocked: false,
            sms_opted_out: false,
        },
        state: ConversationState::Archived,
        channel: Channel::Web,
        occupant: None,
        created_at: now,
        last_message_at: Some(now),
        unanswered: None,
        closure: Some(Closure {
            closed_at: now,
            closed_by: AgentRef {
                id: me.id,
                name: me.name.clone(),
            },
            questionnaire: Questionnaire {
                subject: SubjectAnswer::DontKnow,
                mood: Mood::Happy,
            },
        }),
        survey: None,
        previous_conversation_id: None,
        version: id,
        seen_message_id: None,
        language: None,
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((p / 100.0) * (sorted.len() - 1) as f64).round() as usize]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.sqlite3");
    let me = Me {
        id: 1,
        name: "Bench".into(),
        email: "bench@example.com".into(),
        role: Role::Agent,
    };
    let (mut cache, _) = Cache::open(&path, &me, None).unwrap();
    let words = vocabulary();
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let started = Instant::now();
    let mut message_id = 0;
    let mut counts: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for first in (1..=CONVERSATIONS).step_by(200) {
        let mut page = ArchivePage {
            conversations: Vec::new(),
            removed: Vec::new(),
            next_cursor: first + 199,
            has_more: true,
            remaining: 0,
        };
        for id in first..first + 200 {
            let mut messages = Vec::new();
            for _ in 0..PER_CONVERSATION {
                message_id += 1;
                let n = 6 + rng.next() % 14;
                let body: Vec<&str> = (0..n).map(|_| rng.word(&words)).collect();
                for w in &body {
                    *counts.entry(*w).or_default() += 1;
                }
                messages.push(Message {
                    id: message_id,
                    conversation_id: id,
                    author: if message_id % 2 == 0 {
                        Author::Agent
                    } else {
                        Author::Customer
                    },
                    agent: None,
                    body: body.join(" "),
                    created_at: Utc::now(),
                    attachments: vec![],
                    system: None,
                });
            }
            page.conversations.push(ArchivedConversation {
                conversation: summary(id, &me),
                messages,
            });
        }
        cache.apply_archive_page(&page, 1).unwrap();
    }
    let build = started.elapsed();
    let size = std::fs::metadata(&path).unwrap().len()
        + std::fs::metadata(path.with_extension("sqlite3-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!(
        "cache: {} conversations, {message_id} messages, built in {:.1} s, {:.0} MiB",
        CONVERSATIONS,
        build.as_secs_f64(),
        size as f64 / 1048576.0
    );

    let raw = rusqlite::Connection::open(&path).unwrap();
    let started = Instant::now();
    raw.execute_batch(
        "CREATE VIRTUAL TABLE naive_fts USING fts5(body, content = 'messages', content_rowid = 'id', \
         tokenize = 'unicode61 remove_diacritics 2'); \
         INSERT INTO naive_fts (naive_fts) VALUES ('rebuild');",
    )
    .unwrap();
    let parts: i64 = raw
        .query_row("SELECT count(*) FROM fts_parts", [], |r| r.get(0))
        .unwrap();
    println!(
        "engine index: {parts} partitions; naive single index built beside it in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    raw.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    if let Ok(keep) = std::env::var("SEARCH_BENCH_KEEP") {
        std::fs::copy(&path, &keep).unwrap();
    }
    // The same cache encrypted in place, as an earlier version's plain cache
    // is at the app's first start.
    let encrypted_path = dir.path().join("encrypted.sqlite3");
    std::fs::copy(&path, &encrypted_path).unwrap();
    let started = Instant::now();
    let (encrypted, _) = Cache::open(&encrypted_path, &me, Some(&CacheKey::generate())).unwrap();
    println!(
        "the same file encrypted in place in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // The rarest word, words about 30,000 and 300,000 times in the data, a
    // two-word query, a three-letter prefix and the first letter of the most
    // common word (what the search box sends after one keystroke).
    let near = |target: u64| -> String {
        counts
            .iter()
            .min_by_key(|(w, c)| (c.abs_diff(target), **w))
            .map(|(w, _)| w.to_string())
            .unwrap()
    };
    let queries = vec![
        near(0),
        near(30_000),
        near(300_000),
        format!("{} {}", near(30_000), near(0)),
        near(0)[..3].to_string(),
        near(300_000)[..1].to_string(),
    ];
    println!(
        "{:<14} {:>8} | {:>11} {:>9} | {:>11} {:>9} | {:>6} | {:>14} {:>9} | {:>8}",
        "query",
        "matches",
        "engine p50",
        "p95",
        "naive p50",
        "p95",
        "ratio",
        "encrypted p50",
        "p95",
        "cost"
    );
    for q in &queries {
        let fts = switchboard_client::cache::fts_query(q).unwrap();
        let matches: i64 = raw
            .query_row(
                "SELECT count(*) FROM naive_fts WHERE naive_fts MATCH ?1",
                [&fts],
                |r| r.get(0),
            )
            .unwrap();
        let mut engine = Vec::new();
        let mut bare = Vec::new();
        let mut enc = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            let hits = encrypted.search(q, 50).unwrap();
            enc.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(
                !hits.is_empty(),
                "{q:?}: nothing found in the encrypted cache"
            );
            let t = Instant::now();
            let hits = cache.search(q, 50).unwrap();
            engine.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(
                !hits.is_empty(),
                "{q:?} ({fts}) has {matches} matches but the engine found none"
            );
            let t = Instant::now();
            let mut stmt = raw
                .prepare_cached("SELECT rowid FROM naive_fts WHERE naive_fts MATCH ?1 ORDER BY rowid DESC LIMIT 50")
                .unwrap();
            let n = stmt
                .query_map([&fts], |r| r.get::<_, i64>(0))
                .unwrap()
                .count();
            bare.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(n > 0);
        }
        engine.sort_by(|a, b| a.partial_cmp(b).unwrap());
        bare.sort_by(|a, b| a.partial_cmp(b).unwrap());
        enc.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let (x50, x95) = (percentile(&enc, 50.0), percentile(&enc, 95.0));
        let (e50, e95, b50, b95) = (
            percentile(&engine, 50.0),
            percentile(&engine, 95.0),
            percentile(&bare, 50.0),
            percentile(&bare, 95.0),
        );
        println!(
            "{:<14} {:>8} | {:>8.2} ms {:>6.2} ms | {:>8.2} ms {:>6.2} ms | {:>6.2} | {:>11.2} ms {:>6.2} ms | {:>+7.1}%",
            format!("{q:?}"),
            matches,
            e50,
            e95,
            b50,
            b95,
            e50 / b50,
            x50,
            x95,
            100.0 * (x50 / e50 - 1.0)
        );
    }
}
