//! The engine against the real switchboard-server process, over real sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app;
mod canned;
mod crash;
mod erasure;
mod files;
mod notes;
mod notifications;
mod offline;
mod session;
mod support;
mod sync;
mod team;
