//! `GET /metrics` in the Prometheus text format (TiKV's `prometheus` crate).
//!
//! Per node: connected streams, events committed, request latency by route,
//! database transaction latency, first response and handling time (observed
//! when the reply or the end commits on this node; Prometheus sums the nodes).
//! From the database at each scrape, the same on every node: the queue's length
//! and longest wait, and conversations by state.

use crate::db::now_ms;
use crate::error::{Error, Result};
use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};
use sqlx::Row;
use std::sync::Arc;

/// Buckets for human waits, in seconds: 5 s to 4 h.
const HUMAN_BUCKETS: &[f64] = &[
    5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0, 14400.0,
];

/// Buckets for machine latencies, in seconds: 0.5 ms to 5 s.
const FAST_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Every conversation state, so each has a series even at zero.
const STATES: &[&str] = &["not_assigned", "occupied", "archived", "spam"];

/// The server's metrics; cheap to clone.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    queue_length: IntGauge,
    queue_longest_wait: Gauge,
    conversations: IntGaugeVec,
    first_response: Histogram,
    handling: Histogram,
    streams: IntGaugeVec,
    events: IntCounter,
    requests: HistogramVec,
    transactions: HistogramVec,
}

impl Inner {
    fn build() -> prometheus::Result<Inner> {
        let r = Registry::new_custom(Some("switchboard".into()), None)?;
        let hist = |name: &str, help: &str, buckets: &[f64]| {
            Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets.to_vec()))
        };
        let fast = |name: &str, help: &str, labels: &[&str]| {
            HistogramVec::new(
                HistogramOpts::new(name, help).buckets(FAST_BUCKETS.to_vec()),
                labels,
            )
        };
        Ok(Inner {
            queue_length: registered(
                &r,
                IntGauge::new("queue_length", "Conversations waiting in the queue.")?,
            )?,
            queue_longest_wait: registered(
                &r,
                Gauge::new(
                    "queue_longest_wait_seconds",
                    "How long the customer who has waited longest in the queue has waited.",
                )?,
            )?,
            conversations: registered(
                &r,
                IntGaugeVec::new(Opts::new("conversations", "Conversations by state."), &["state"])?,
            )?,
            first_response: registered(
                &r,
                hist(
                    "first_response_seconds",
                    "From a conversation's first customer message to its first agent reply.",
                    HUMAN_BUCKETS,
                )?,
            )?,
            handling: registered(
                &r,
                hist(
                    "handling_seconds",
                    "From an agent getting a conversation to its end.",
                    HUMAN_BUCKETS,
                )?,
            )?,
            streams: registered(
                &r,
                IntGaugeVec::new(
                    Opts::new("streams_connected", "Open event streams on this node."),
                    &["kind"],
                )?,
            )?,
            events: registered(
                &r,
                IntCounter::new("events_total", "Events committed on this node.")?,
            )?,
            requests: registered(
                &r,
                fast(
                    "http_request_duration_seconds",
                    "HTTP requests by method, route and status.",
                    &["method", "route", "status"],
                )?,
            )?,
            transactions: registered(
                &r,
                fast(
                    "db_transaction_seconds",
                    "Database writes: agent actions from begin to commit (agent_op), and every write's commit (commit).",
                    &["kind"],
                )?,
            )?,
            registry: r,
        })
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// Counts a connected stream for as long as it lives.
pub struct StreamGuard(IntGauge);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

fn registered<C: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    c: C,
) -> prometheus::Result<C> {
    registry.register(Box::new(c.clone()))?;
    Ok(c)
}

impl Metrics {
    /// The metrics, registered.
    #[allow(clippy::expect_used)] // Constant names, labels and buckets: cannot fail (tested).
    pub fn new() -> Metrics {
        Metrics(Arc::new(Inner::build().expect("valid metric definitions")))
    }

    /// A customer's first answer came after `ms`.
    pub fn first_response(&self, ms: i64) {
        self.0.first_response.observe(ms.max(0) as f64 / 1000.0);
    }

    /// A conversation ended `ms` after its agent got it.
    pub fn handling(&self, ms: i64) {
        self.0.handling.observe(ms.max(0) as f64 / 1000.0);
    }

    /// Counts a stream (`agent` or `customer`) until the guard drops.
    pub fn stream(&self, kind: &str) -> StreamGuard {
        let g = self.0.streams.with_label_values(&[kind]);
        g.inc();
        StreamGuard(g)
    }

    pub fn events(&self, n: usize) {
        self.0.events.inc_by(n as u64);
    }

    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.0
            .requests
            .with_label_values(&[method, route, &status.to_string()])
            .observe(seconds);
    }

    pub fn transaction(&self, kind: &str, seconds: f64) {
        self.0
            .transactions
            .with_label_values(&[kind])
            .observe(seconds);
    }

    /// Reads the database's figures and encodes everything.
    pub async fn render(&self, db: &crate::db::Db) -> Result<String> {
        let mut tx = db.read().await?;
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM conversations GROUP BY state")
            .fetch_all(&mut *tx)
            .await?;
        for s in STATES {
            self.0.conversations.with_label_values(&[s]).set(0);
        }
        for r in rows {
            let state: String = r.try_get("state")?;
            self.0
                .conversations
                .with_label_values(&[state.as_str()])
                .set(r.try_get("n")?);
        }
        let q = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(unanswered_since) AS oldest FROM conversations \
             WHERE state = 'not_assigned'",
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        self.0.queue_length.set(q.try_get("n")?);
        let oldest: Option<i64> = q.try_get("oldest")?;
        self.0
            .queue_longest_wait
            .set(oldest.map_or(0.0, |t| (now_ms() - t).max(0) as f64 / 1000.0));
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.0.registry.gather(), &mut out)
            .map_err(|e| Error::internal("metrics", e))?;
        String::from_utf8(out).map_err(|e| Error::internal("metrics", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definitions_are_valid_and_every_family_is_exposed() {
        let m = Metrics::new();
        m.first_response(90_000);
        m.request("GET", "/api/v1/team", 200, 0.003);
        let _s = m.stream("agent");
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&m.0.registry.gather(), &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("switchboard_first_response_seconds_bucket{le=\"120\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("switchboard_streams_connected{kind=\"agent\"} 1"),
            "{text}"
        );
        assert!(text.contains("route=\"/api/v1/team\""), "{text}");
    }
}
