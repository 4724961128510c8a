//! Sign-in rate limits: per address and per email, so guessing passwords is slow
//! without locking a whole office behind one NAT out.

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
