//! The store: every read and every state change, on top of the event log.
//!
//! Each mutation runs in one writer transaction that changes the rows, appends its
//! events and records its op id's answer; the events reach open streams only after
//! that transaction commits.

pub mod actions;
pub mod agents;
pub mod customers;
pub mod events;
pub mod ops;
pub mod queries;
pub mod reports;
pub mod rows;
pub mod sms;
pub mod surveys;

use crate::db::Db;
use crate::hub::Hub;
use std::sync::Arc;
use tokio::sync::Notify;

/// Settings the store needs at run time.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// How long an agent's bearer token lives.
    pub token_ttl_ms: i64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            token_ttl_ms: 30 * 24 * 3600 * 1000,
        }
    }
}

/// Shared handle to the database and the event hub.
#[derive(Clone, Debug)]
pub struct Store {
    pub db: Db,
    pub hub: Hub,
    pub config: StoreConfig,
    /// Wakes the text sender when a text is queued.
    pub texts: Arc<Notify>,
}

impl Store {
    /// A store over an opened database.
    pub fn new(db: Db, config: StoreConfig) -> Store {
        Store {
            db,
            hub: Hub::new(),
            config,
            texts: Arc::new(Notify::new()),
        }
    }
}
