//! Integration tests of switchboard-server: the real binary on an ephemeral
//! port, over real HTTP and WebSocket.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod agent_stream;
mod attachments;
mod authz;
mod bad_input;
mod blns;
mod canned;
mod chat_a11y;
mod chat_files;
mod chat_french;
mod chat_page;
mod cli;
mod customer_once;
mod erasure;
mod idempotency;
mod keepalive;
mod language;
mod lifecycle;
mod metrics;
mod mms;
mod notes;
// Several nodes and the port tool need PostgreSQL: the `pg_` modules run in the
// PostgreSQL pass of scripts/test (the SQLite pass skips them by name).
mod pg_nodes;
mod pg_port;
mod projection;
mod races;
mod removal;
mod reports;
mod reports_csv;
mod restart;
mod retention;
mod returns;
mod sms;
mod sms_provider;
mod stream;
mod support;
mod surveys;
mod team;
mod typing;
