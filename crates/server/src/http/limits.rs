//! Sign-in rate limits: per address and per email, so guessing passwords is slow
//! without locking a whole office behind one NAT out. Behind reverse proxies the
//! address is the client's, read from `X-Forwarded-For` when the connection comes
//! from a proxy the operator trusts (`serve --trust-proxy`).

use crate::error::Error;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;
use switchboard_protocol::ErrorCode;

/// Login attempts allowed.
#[derive(Debug)]
pub struct LoginLimits {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_email: DefaultKeyedRateLimiter<String>,
}

fn quota(burst: u32, every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            // An office's worth of sign-ins at once, then two a second.
            per_ip: RateLimiter::keyed(quota(100, Duration::from_millis(500))),
            // Five tries, then one every twelve seconds.
            per_email: RateLimiter::keyed(quota(5, Duration::from_secs(12))),
        }
    }
}

impl LoginLimits {
    /// Counts an attempt; refuses with 429 `rate_limited` when over either limit.
    pub fn check(&self, ip: IpAddr, email: &str) -> Result<(), Error> {
        let key = crate::store::agents::email_key(email);
        if self.per_ip.check_key(&ip).is_err() || self.per_email.check_key(&key).is_err() {
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
    starts_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    messages_per_conversation: DefaultKeyedRateLimiter<i64>,
}

fn per_minute(n: u32) -> Quota {
    let n = NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n)
}

impl CustomerLimits {
    /// `starts` new conversations per address and `messages` per conversation, per
    /// minute, each allowed as a burst.
    pub fn new(starts: u32, messages: u32) -> CustomerLimits {
        CustomerLimits {
            starts_per_ip: RateLimiter::keyed(per_minute(starts)),
            messages_per_conversation: RateLimiter::keyed(per_minute(messages)),
        }
    }

    fn refuse() -> Error {
        Error::new(
            ErrorCode::RateLimited,
            "too many messages at once; wait a moment and send again",
        )
    }

    /// Counts a new conversation from this address.
    pub fn start(&self, ip: IpAddr) -> Result<(), Error> {
        self.starts_per_ip
            .check_key(&ip)
            .map_err(|_| Self::refuse())
    }

    /// Counts a message to this conversation.
    pub fn message(&self, conversation: i64) -> Result<(), Error> {
        self.messages_per_conversation
            .check_key(&conversation)
            .map_err(|_| Self::refuse())
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
