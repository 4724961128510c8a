//! Team routing as the app offers it: transfer a conversation to a colleague,
//! be available or away, and the team at a glance.

use super::settings::load_settings;
use super::App;
use crate::api::Api;
use crate::cache::OutboxItem;
use crate::error::Result;
use crate::idle::{IdleAway, IdleClock};
use crate::{Change, Engine};
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::{
    AgentId, AgentRef, Availability, BlockedCustomer, Customer, CustomerId, Erasure, OpRequest,
    Team,
};
use tokio::task::JoinHandle;

impl App {
    /// Queues a transfer to a colleague (sent when online, exactly once).
    pub async fn transfer(
        &self,
        id: i64,
        to: AgentRef,
        note: Option<String>,
    ) -> Result<OutboxItem> {
        self.with(|e| e.transfer(id, to, note)).await
    }

    /// Every agent with availability, load and capacity, and the queue, from the
    /// server (it needs the link: who is available changes by the minute).
    pub async fn team(&self) -> Result<Team> {
        self.api().await?.team().await
    }

    /// Sets how many conversations an agent may occupy at once (None: no
    /// limit); supervisors.
    pub async fn set_capacity(&self, agent: AgentId, capacity: Option<u32>) -> Result<()> {
        self.api().await?.set_capacity(agent, capacity).await
    }

    /// Blocked customers with what they wrote while blocked (supervisors).
    pub async fn blocked_customers(&self) -> Result<Vec<BlockedCustomer>> {
        Ok(self.api().await?.blocked_customers().await?.customers)
    }

    /// Unblocks a customer (supervisors): their conversations come back to the
    /// lists through the stream.
    pub async fn unblock(&self, customer: CustomerId) -> Result<Customer> {
        let op = OpRequest {
            op_id: uuid::Uuid::new_v4(),
        };
        self.api().await?.unblock(customer, op).await
    }

    /// Erases a customer (supervisors): the server deletes everything that
    /// names them or holds their words, and every app (this one through the
    /// stream) deletes their conversations from its cache. Needs the server.
    pub async fn erase_customer(&self, customer: CustomerId) -> Result<Erasure> {
        let op = OpRequest {
            op_id: uuid::Uuid::new_v4(),
        };
        self.api().await?.erase_customer(customer, op).await
    }

    /// Whether the signed-in agent is available or away, as last synced.
    pub async fn availability(&self) -> Result<Availability> {
        self.with(|e| e.availability()).await
    }

    /// Become available or away; the stream brings the change back to every
    /// window, the tray and the notification policy. Refused or offline, the
    /// listeners hear [`Change::Team`] so that a toggle shows what holds.
    pub async fn set_availability(&self, availability: Availability) -> Result<()> {
        let answer = match self.api().await {
            Ok(api) => api.set_availability(availability).await,
            Err(e) => Err(e),
        };
        if answer.is_err() {
            let _ = self.changes.send(Change::Team);
        } else {
            self.idle_rule().chosen();
        }
        answer
    }

    fn idle_rule(&self) -> std::sync::MutexGuard<'_, IdleAway> {
        locked(&self.idle_away)
    }

    /// Away after the set time without input at the desktop, and back at the
    /// first input (see [`IdleAway`]), for as long as `engine` runs.
    pub(super) fn watch_idle(&self, engine: Arc<Engine>, api: Api) -> JoinHandle<()> {
        let settings = self.settings_path();
        let rule = self.idle_away.clone();
        *self.idle_rule() = IdleAway::default();
        tokio::spawn(async move {
            let mut clock = IdleClock::new();
            loop {
                let after = load_settings(&settings)
                    .away_when_idle_secs
                    .map(|s| Duration::from_secs(s.into()));
                let auto = locked(&rule).auto();
                if after.is_some() || auto {
                    if let Some(idle) = clock.idle().await {
                        let now = engine.availability().unwrap_or_default();
                        let next = locked(&rule).step(after, idle, now);
                        if let Some(next) = next {
                            tracing::info!(
                                "{}: {} s since the last input at the desktop",
                                next.as_str(),
                                idle.as_secs()
                            );
                            if let Err(e) = api.set_availability(next).await {
                                tracing::warn!("could not become {}: {e}", next.as_str());
                                locked(&rule).failed(next);
                            }
                        }
                    }
                }
                let wait = locked(&rule).interval(after);
                tokio::time::sleep(wait).await;
            }
        })
    }
}

/// The idle rule, also after a panic elsewhere while it was held (it is plain data).
fn locked(rule: &std::sync::Mutex<IdleAway>) -> std::sync::MutexGuard<'_, IdleAway> {
    rule.lock().unwrap_or_else(|p| p.into_inner())
}
