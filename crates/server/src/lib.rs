//! switchboard-server: the agent and customer APIs, the event stream, the store
//! and the admin CLI, as a library so tests and benchmarks drive the same code.

pub mod cli;
pub mod db;
pub mod demo;
pub mod error;
pub mod http;
pub mod hub;
pub mod live;
pub mod metrics;
pub mod port;
pub mod serve;
pub mod sms;
pub mod store;
pub mod tail;
pub mod validate;
