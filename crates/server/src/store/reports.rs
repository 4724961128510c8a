//! The chat report: per agent and date range, what they handled and ended, how
//! customers rated it, what it was about, and how fast it went.
//!
//! Figures are computed from the closures (every end, kept across reopens), the
//! surveys (one per end) and the agents' replies, so a reopened-then-re-ended
//! conversation is seen whole. Within one line of the report a conversation counts
//! once: its handling time is the sum of the line's occupations that ended in the
//! range, and its questionnaire is the last one.

use crate::error::{Error, Result};
use crate::store::agents::Caller;
use crate::store::Store;
use chrono::{DateTime, Utc};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap, HashSet};
use switchboard_i18n::{tr, Lang};
use switchboard_protocol::{
    AgentChatReport, AgentId, AgentRef, ChatFigures, ChatReport, ChatReportQuery, ConversationId,
    Mood, MoodCount, SubjectCount,
};

/// One end in the range, with its survey.
#[derive(Debug, Clone)]
struct End {
    closure: i64,
    conversation: ConversationId,
    agent: AgentId,
    handling_ms: Option<i64>,
    subject: Option<String>,
    mood: Mood,
    asked: bool,
    rating: Option<u8>,
}

/// A conversation's first reply, when it fell in the range.
#[derive(Debug, Clone)]
struct FirstReply {
    agent: AgentId,
    wait_ms: i64,
}

/// Everything the report reads for a range.
#[derive(Debug, Default)]
struct Facts {
    ends: Vec<End>,
    replied: Vec<(AgentId, ConversationId)>,
    first_replies: Vec<FirstReply>,
}

/// Median of whole milliseconds; an even count takes the mean of the middle two,
/// rounded down.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    if n % 2 == 1 {
        Some(values[n / 2])
    } else {
        let sum = i128::from(values[n / 2 - 1]) + i128::from(values[n / 2]);
        i64::try_from(sum.div_euclid(2)).ok()
    }
}

/// The figures of one line: the facts whose agent `includes` accepts.
fn figures(facts: &Facts, includes: impl Fn(AgentId) -> bool) -> ChatFigures {
    let mut handled: HashSet<ConversationId> = HashSet::new();
    // Per conversation ended: summed handling time and the last end's answers.
    let mut ended: BTreeMap<ConversationId, (Option<i64>, &End)> = BTreeMap::new();
    let (mut requested, mut answered, mut rating_sum) = (0u64, 0u64, 0u64);
    let mut rating_counts = vec![0u64; 5];
    for end in facts.ends.iter().filter(|e| includes(e.agent)) {
        handled.insert(end.conversation);
        let slot = ended.entry(end.conversation).or_insert((None, end));
        if let Some(ms) = end.handling_ms {
            slot.0 = Some(slot.0.unwrap_or(0) + ms);
        }
        if end.closure >= slot.1.closure {
            slot.1 = end;
        }
        if end.asked || end.rating.is_some() {
            requested += 1;
        }
        if let Some(r) = end.rating {
            answered += 1;
            rating_sum += u64::from(r);
            rating_counts[usize::from(r - 1)] += 1;
        }
    }
    for (agent, conversation) in &facts.replied {
        if includes(*agent) {
            handled.insert(*conversation);
        }
    }
    let mut subjects: HashMap<Option<&str>, u64> = HashMap::new();
    let mut moods: HashMap<Mood, u64> = HashMap::new();
    let mut handling = Vec::new();
    for (ms, last) in ended.values() {
        *subjects.entry(last.subject.as_deref()).or_default() += 1;
        *moods.entry(last.mood).or_default() += 1;
        handling.extend(*ms);
    }
    let mut subjects: Vec<SubjectCount> = subjects
        .into_iter()
        .map(|(s, count)| SubjectCount {
            subject: s.map(str::to_owned),
            count,
        })
        .collect();
    // Most frequent first; then by name, with "I don't know" last.
    subjects.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.subject.is_none().cmp(&b.subject.is_none()))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    let mood_order = [
        Mood::Happy,
        Mood::Neutral,
        Mood::Unhappy,
        Mood::Angry,
        Mood::DontKnow,
    ];
    let mut moods: Vec<MoodCount> = mood_order
        .iter()
        .filter_map(|m| moods.get(m).map(|&count| MoodCount { mood: *m, count }))
        .collect();
    moods.sort_by_key(|m| std::cmp::Reverse(m.count));
    let mut waits: Vec<i64> = facts
        .first_replies
        .iter()
        .filter(|f| includes(f.agent))
        .map(|f| f.wait_ms)
        .collect();
    ChatFigures {
        handled: handled.len() as u64,
        ended: ended.len() as u64,
        surveys_requested: requested,
        surveys_answered: answered,
        response_rate: (requested > 0).then(|| answered as f64 / requested as f64),
        average_rating: (answered > 0).then(|| rating_sum as f64 / answered as f64),
        rating_counts,
        subjects,
        moods,
        median_first_response_ms: median(&mut waits),
        median_handling_ms: median(&mut handling),
    }
}

impl Store {
    /// The chat report for `q`. Agents may see only their own line; supervisors
    /// and admins any agent's, or every agent's with a total.
    pub async fn chat_report(&self, caller: &Caller, q: &ChatReportQuery) -> Result<ChatReport> {
        if q.from >= q.to {
            return Err(Error::field_said(crate::words!("error-report-range")));
        }
        if let Some(id) = q.agent_id {
            if id != caller.id && !caller.sees_everything() {
                return Err(Error::forbidden("agents can see only their own report"));
            }
        }
        let only = match q.agent_id {
            Some(id) => Some(id),
            None if caller.sees_everything() => None,
            None => Some(caller.id),
        };
        let (from, to) = (q.from.timestamp_millis(), q.to.timestamp_millis());
        let mut tx = self.db.read().await?;
        let mut facts = Facts::default();
        for r in sqlx::query(
            "SELECT cl.id, cl.conversation_id, cl.closed_by, cl.closed_at - cl.started_at, \
             cl.subject, cl.mood, s.asked, s.rating FROM closures cl \
             LEFT JOIN surveys s ON s.closure_id = cl.id \
             WHERE cl.closed_at >= $1 AND cl.closed_at < $2 ORDER BY cl.id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut *tx)
        .await?
        {
            let mood: String = r.try_get(5)?;
            facts.ends.push(End {
                closure: r.try_get(0)?,
                conversation: r.try_get(1)?,
                agent: r.try_get(2)?,
                handling_ms: r.try_get(3)?,
                subject: r.try_get(4)?,
                mood: Mood::parse(&mood).unwrap_or(Mood::DontKnow),
                asked: r.try_get::<Option<i64>, _>(6)?.unwrap_or(0) != 0,
                rating: r
                    .try_get::<Option<i64>, _>(7)?
                    .and_then(|v| u8::try_from(v).ok())
                    .filter(|v| (1..=5).contains(v)),
            });
        }
        for r in sqlx::query(
            "SELECT DISTINCT agent_id, conversation_id FROM messages \
             WHERE author = 'agent' AND created_at >= $1 AND created_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut *tx)
        .await?
        {
            facts.replied.push((r.try_get(0)?, r.try_get(1)?));
        }
        for r in sqlx::query(
            "SELECT m.conversation_id, m.agent_id, m.created_at - \
               (SELECT MIN(q.created_at) FROM messages q WHERE q.conversation_id = m.conversation_id \
                AND q.author = 'customer' AND q.id < m.id) \
             FROM messages m WHERE m.author = 'agent' AND m.created_at >= $1 AND m.created_at < $2 \
             AND m.id = (SELECT MIN(f.id) FROM messages f \
                         WHERE f.conversation_id = m.conversation_id AND f.author = 'agent')",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut *tx)
        .await?
        {
            if let Some(wait_ms) = r.try_get::<Option<i64>, _>(2)? {
                facts.first_replies.push(FirstReply {
                    agent: r.try_get(1)?,
                    wait_ms,
                });
            }
        }
        let agents: Vec<(AgentRef, String)> =
            sqlx::query("SELECT id, name, role FROM agents ORDER BY name, id")
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        AgentRef {
                            id: r.try_get(0)?,
                            name: r.try_get(1)?,
                        },
                        r.try_get(2)?,
                    ))
                })
                .collect::<Result<_>>()?;
        tx.commit().await?;
        let active: HashSet<AgentId> = facts
            .ends
            .iter()
            .map(|e| e.agent)
            .chain(facts.replied.iter().map(|(a, _)| *a))
            .collect();
        let listed: Vec<AgentRef> = match only {
            Some(id) => vec![agents
                .into_iter()
                .find(|(a, _)| a.id == id)
                .map(|(a, _)| a)
                .ok_or_else(|| Error::not_found("agent"))?],
            None => agents
                .into_iter()
                .filter(|(a, role)| role == "agent" || active.contains(&a.id))
                .map(|(a, _)| a)
                .collect(),
        };
        let ids: HashSet<AgentId> = listed.iter().map(|a| a.id).collect();
        let total = figures(&facts, |a| ids.contains(&a));
        let agents = listed
            .into_iter()
            .map(|agent| {
                let id = agent.id;
                AgentChatReport {
                    agent,
                    figures: figures(&facts, |a| a == id),
                }
            })
            .collect();
        Ok(ChatReport {
            from: q.from,
            to: q.to,
            agents,
            total,
        })
    }
}

/// A cell a spreadsheet must not run as a formula: text starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading apostrophe (OWASP's advice).
fn text_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

fn seconds(ms: Option<i64>) -> String {
    ms.map(|ms| format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000)))
        .unwrap_or_default()
}

fn mood_label(m: Mood, lang: Lang) -> String {
    lang.text(match m {
        Mood::Happy => "csv-mood-happy",
        Mood::Neutral => "csv-mood-neutral",
        Mood::Unhappy => "csv-mood-unhappy",
        Mood::Angry => "csv-mood-angry",
        Mood::DontKnow => "csv-dont-know",
    })
}

/// The report as CSV: a header row, one row per agent, and a total row when the
/// report covers everyone, with column names and words in `lang`. UTF-8 with a
/// byte-order mark (so spreadsheets read it as UTF-8), quoted by the `csv`
/// crate, with formula-like text neutralised.
pub fn to_csv(report: &ChatReport, with_total: bool, lang: Lang) -> Result<Vec<u8>> {
    let mut subject_names: Vec<Option<String>> = Vec::new();
    for s in &report.total.subjects {
        if !subject_names.contains(&s.subject) {
            subject_names.push(s.subject.clone());
        }
    }
    let moods = [
        Mood::Happy,
        Mood::Neutral,
        Mood::Unhappy,
        Mood::Angry,
        Mood::DontKnow,
    ];
    let mut header: Vec<String> = [
        "csv-agent-id",
        "csv-agent",
        "csv-from",
        "csv-to",
        "csv-handled",
        "csv-ended",
        "csv-surveys-requested",
        "csv-surveys-answered",
        "csv-response-rate",
        "csv-average-rating",
    ]
    .iter()
    .map(|id| lang.text(id))
    .collect();
    header.extend((1..=5).map(|stars| tr!(lang, "csv-rating", stars = stars)));
    header.push(lang.text("csv-first-response"));
    header.push(lang.text("csv-handling"));
    for s in &subject_names {
        let name = s.clone().unwrap_or_else(|| lang.text("csv-dont-know"));
        header.push(text_cell(&tr!(lang, "csv-subject", name = name)));
    }
    for m in moods {
        header.push(tr!(lang, "csv-mood", mood = mood_label(m, lang)));
    }
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(&header).map_err(csv_error)?;
        let mut lines: Vec<(String, String, &ChatFigures)> = report
            .agents
            .iter()
            .map(|a| (a.agent.id.to_string(), text_cell(&a.agent.name), &a.figures))
            .collect();
        if with_total {
            lines.push((String::new(), lang.text("csv-all-agents"), &report.total));
        }
        for (id, name, f) in lines {
            let mut row = vec![
                id,
                name,
                report.from.to_rfc3339(),
                report.to.to_rfc3339(),
                f.handled.to_string(),
                f.ended.to_string(),
                f.surveys_requested.to_string(),
                f.surveys_answered.to_string(),
                f.response_rate
                    .map(|r| format!("{r:.4}"))
                    .unwrap_or_default(),
                f.average_rating
                    .map(|r| format!("{r:.2}"))
                    .unwrap_or_default(),
            ];
            row.extend(f.rating_counts.iter().map(u64::to_string));
            row.push(seconds(f.median_first_response_ms));
            row.push(seconds(f.median_handling_ms));
            for s in &subject_names {
                let n = f
                    .subjects
                    .iter()
                    .find(|c| &c.subject == s)
                    .map_or(0, |c| c.count);
                row.push(n.to_string());
            }
            for m in moods {
                let n = f.moods.iter().find(|c| c.mood == m).map_or(0, |c| c.count);
                row.push(n.to_string());
            }
            w.write_record(&row).map_err(csv_error)?;
        }
        w.flush().map_err(|e| Error::internal("csv", e))?;
    }
    Ok(out)
}

fn csv_error(e: csv::Error) -> Error {
    Error::internal("csv", e)
}

/// A file name for the export, from the range's dates.
pub fn csv_file_name(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    format!(
        "chat-report-{}-{}.csv",
        from.format("%Y%m%d"),
        to.format("%Y%m%d")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_take_the_middle_or_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2)); // (2 + 3) / 2, rounded down
        assert_eq!(median(&mut [10, 10, 20, 20]), Some(15));
        assert_eq!(median(&mut [i64::MAX, i64::MAX]), Some(i64::MAX));
    }

    #[test]
    fn formula_like_text_is_neutralised() {
        assert_eq!(text_cell("=1+1"), "'=1+1");
        assert_eq!(text_cell("-Bob"), "'-Bob");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("Alice"), "Alice");
        assert_eq!(seconds(Some(61_005)), "61.005");
        assert_eq!(seconds(None), "");
    }
}
