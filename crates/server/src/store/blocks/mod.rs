//! Building blocks: each function does one thing on the caller's transaction
//! (`&mut AnyConnection`): it never opens, commits or publishes one, so a use
//! case composes several into one atomic change. Events a block appends go to
//! the caller's `Emitted`.
//!
//! Where a table has a block, that block is its only writer: `messages`
//! (messages), `sms_outbox` (texts), `surveys` (surveys), `customer_tokens`
//! (tokens), `customer_posts` (posts), `blobs` and `attachments` (attachments). Blocks use the rules, the event log and the row readers, and
//! other blocks (conversations → tokens); never a use case.

pub mod attachments;
pub mod conversations;
pub mod messages;
pub mod occupancy;
pub mod posts;
pub mod surveys;
pub mod texts;
pub mod tokens;
