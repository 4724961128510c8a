//! Integration tests of switchboard-server: the real binary on an ephemeral
//! port, over real HTTP and WebSocket.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod authz;
mod bad_input;
mod blns;
mod chat_page;
mod cli;
mod idempotency;
mod lifecycle;
mod nodes;
mod port;
mod projection;
mod races;
mod reports;
mod restart;
mod sms;
mod sms_provider;
mod stream;
mod support;
mod surveys;
