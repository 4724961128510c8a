//! Rate limits: sign-ins per address and per email, so guessing passwords is
//! slow without locking a whole office behind one NAT out; and the public
//! customer API's new conversations per address and messages per conversation.
//! Behind reverse proxies the address is the client's, read from
//! `X-Forwarded-For` when the connection comes from a proxy the operator trusts
//! (`serve --trust-proxy`).
//!
//! Each limit is a generic cell rate (GCRA: a burst, then one every period).
//! One node counts in memory; nodes on PostgreSQL count in the database
//! (`rate_limits`, one row per key holding its theoretical arrival time, moved
//! by one conditional upsert), so N nodes do not allow N times the attempts.

use crate::db::{now_ms, Backend, Db};
use crate::error::Error;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;
use switchboard_protocol::ErrorCode;

/// Where limits count: in this process, or in the database all nodes share.
#[derive(Debug, Clone)]
pub enum Counts {
    Local,
    Shared(sqlx::AnyPool),
}

impl Counts {
    /// Shared on PostgreSQL (several nodes may serve), local on SQLite (one).
    pub fn for_db(db: &Db) -> Counts {
        match db.backend {
            Backend::Postgres => Counts::Shared(db.writer.clone()),
            Backend::Sqlite => Counts::Local,
        }
    }
}

/// One limit: `burst` at once, then one every `period`, per key.
#[derive(Debug)]
struct Limit {
    name: &'static str,
    burst: u32,
    period: Duration,
    local: DefaultKeyedRateLimiter<String>,
}

impl Limit {
    fn new(name: &'static str, burst: u32, period: Duration) -> Limit {
        let burst = burst.max(1);
        let period = period.max(Duration::from_millis(1));
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        Limit {
            name,
            burst,
            period,
            local: RateLimiter::keyed(quota),
        }
    }

    /// `n` a minute, all of them at once if need be.
    fn per_minute(name: &'static str, n: u32) -> Limit {
        let n = n.max(1);
        Limit::new(name, n, Duration::from_secs(60) / n)
    }

    /// Counts an attempt for `key`; false when over the limit (and then not counted).
    async fn allows(&self, counts: &Counts, key: &str) -> Result<bool, Error> {
        let pool = match counts {
            Counts::Local => return Ok(self.local.check_key(&key.to_string()).is_ok()),
            Counts::Shared(pool) => pool,
        };
        let period = i64::try_from(self.period.as_millis()).unwrap_or(i64::MAX);
        let tolerance = period.saturating_mul(i64::from(self.burst - 1));
        // GCRA: allowed while the theoretical arrival time is at most
        // `tolerance` ahead of now; each allowed attempt moves it one period on.
        let moved = sqlx::query(
            "INSERT INTO rate_limits (bucket, tat) VALUES ($1, $2 + $3) \
             ON CONFLICT (bucket) DO UPDATE SET tat = GREATEST(rate_limits.tat, $2) + $3 \
             WHERE GREATEST(rate_limits.tat, $2) - $2 <= $4",
        )
        .bind(format!("{}:{key}", self.name))
        .bind(now_ms())
        .bind(period)
        .bind(tolerance)
        .execute(pool)
        .await?
        .rows_affected();
        Ok(moved == 1)
    }
}

/// Forgets shared counts that no longer hold anything back (their time has
/// passed): run beside the other pruning.
pub async fn prune_rate_limits(counts: &Counts) -> Result<u64, Error> {
    let Counts::Shared(pool) = counts else {
        return Ok(0);
    };
    Ok(sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
        .bind(now_ms())
        .execute(pool)
        .await?
        .rows_affected())
}

/// Login attempts allowed.
#[derive(Debug)]
pub struct LoginLimits {
    counts: Counts,
    per_ip: Limit,
    per_email: Limit,
}

impl LoginLimits {
    pub fn new(counts: Counts) -> LoginLimits {
        LoginLimits {
            counts,
            // An office's worth of sign-ins at once, then two a second.
            per_ip: Limit::new("login_ip", 100, Duration::from_millis(500)),
            // Five tries, then one every twelve seconds.
            per_email: Limit::new("login_email", 5, Duration::from_secs(12)),
        }
    }

    /// Counts an attempt; refuses with 429 `rate_limited` when over either limit.
    pub async fn check(&self, ip: IpAddr, email: &str) -> Result<(), Error> {
        let key = crate::store::agents::email_key(email);
        if !self.per_ip.allows(&self.counts, &ip.to_string()).await?
            || !self.per_email.allows(&self.counts, &key).await?
        {
            return Err(Error::new(
                ErrorCode::RateLimited,
                "too many sign-in attempts; wait a minute and try again",
            ));
        }
        Ok(())
    }
}

/// Limits on the public customer API, so one visitor cannot flood the queue or
/// every agent's stream.
#[derive(Debug)]
pub struct CustomerLimits {
    counts: Counts,
    starts_per_ip: Limit,
    messages_per_conversation: Limit,
}

impl CustomerLimits {
    /// `starts` new conversations per address and `messages` per conversation, per
    /// minute, each allowed as a burst.
    pub fn new(counts: Counts, starts: u32, messages: u32) -> CustomerLimits {
        CustomerLimits {
            counts,
            starts_per_ip: Limit::per_minute("start_ip", starts),
            messages_per_conversation: Limit::per_minute("messages", messages),
        }
    }

    fn refuse() -> Error {
        Error::new(
            ErrorCode::RateLimited,
            "too many messages at once; wait a moment and send again",
        )
    }

    /// Counts a new conversation from this address.
    pub async fn start(&self, ip: IpAddr) -> Result<(), Error> {
        if self
            .starts_per_ip
            .allows(&self.counts, &ip.to_string())
            .await?
        {
            Ok(())
        } else {
            Err(Self::refuse())
        }
    }

    /// Counts a message to this conversation.
    pub async fn message(&self, conversation: i64) -> Result<(), Error> {
        let key = conversation.to_string();
        if self
            .messages_per_conversation
            .allows(&self.counts, &key)
            .await?
        {
            Ok(())
        } else {
            Err(Self::refuse())
        }
    }
}

/// Reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<ipnet::IpNet>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer, unless the peer is a trusted proxy; then
    /// the rightmost address in `X-Forwarded-For` that is not a trusted proxy
    /// (addresses further left were written by the client and prove nothing).
    pub fn client(&self, peer: IpAddr, headers: &axum::http::HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                // Garbage ends the chain: the last good hop is the client.
                Err(_) => break,
            }
        }
        client
    }
}

#[cfg(test)]
mod proxy_tests {
    use super::*;
    use axum::http::HeaderMap;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(
                "x-forwarded-for",
                v.parse().unwrap_or_else(|e| panic!("{e}")),
            );
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxies = TrustedProxies(vec![
            "10.0.0.0/8".parse().unwrap_or_else(|e| panic!("{e}")),
            "192.0.2.7/32".parse().unwrap_or_else(|e| panic!("{e}")),
        ]);
        let none = TrustedProxies::default();
        // Not a proxy: the header is ignored.
        assert_eq!(
            none.client(ip("10.1.1.1"), &headers(&["203.0.113.5"])),
            ip("10.1.1.1")
        );
        assert_eq!(
            proxies.client(ip("198.51.100.1"), &headers(&["203.0.113.5"])),
            ip("198.51.100.1")
        );
        // One proxy.
        assert_eq!(
            proxies.client(ip("10.1.1.1"), &headers(&["203.0.113.5"])),
            ip("203.0.113.5")
        );
        // A client that forges a first hop gets its own address, the proxy's last one.
        assert_eq!(
            proxies.client(ip("10.1.1.1"), &headers(&["1.2.3.4, 203.0.113.5"])),
            ip("203.0.113.5")
        );
        // Two proxies, over two headers.
        assert_eq!(
            proxies.client(
                ip("10.1.1.1"),
                &headers(&["1.2.3.4, 203.0.113.5", "192.0.2.7"])
            ),
            ip("203.0.113.5")
        );
        // Garbage or no header: the last good hop, or the proxy itself.
        assert_eq!(
            proxies.client(ip("10.1.1.1"), &headers(&["203.0.113.5, nonsense"])),
            ip("10.1.1.1")
        );
        assert_eq!(
            proxies.client(ip("10.1.1.1"), &HeaderMap::new()),
            ip("10.1.1.1")
        );
        assert_eq!(
            proxies.client(ip("10.1.1.1"), &headers(&["2001:db8::1"])),
            ip("2001:db8::1")
        );
    }
}
