//! The engine's background work besides the stream: the outbox, histories of
//! conversations met mid-way, the archive backfill, and attachments fetched
//! ahead for offline viewing.

use super::sync::{backoff, wait_online};
use super::{Change, ConnectionState, Inner};
use crate::cache::CachedFile;
use crate::cache::{Answer, OutboxAction, OutboxItem};
use crate::error::{ClientError, EngineCode, ErrorCode, Result};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_protocol::{
    ArchivePage, EndRequest, OpRequest, ReplyRequest, TakeRequest, TransferRequest,
};

/// Sends one queued action. A supervisor's take goes beyond their own capacity
/// (they set the capacities; a refusal would only stand in their way), as their
/// transfers do.
async fn send(inner: &Inner, item: &OutboxItem, supervisor: bool) -> Result<Answer> {
    let api = &inner.api;
    let op = OpRequest { op_id: item.op_id };
    let id = item.conversation_id;
    Ok(match &item.action {
        OutboxAction::Attach { name, .. } => {
            let bytes = inner.reader().outbox_file(item.op_id)?;
            Answer::Message(api.attach(id, item.op_id, name, bytes).await?)
        }
        OutboxAction::Reply { body } => Answer::Message(
            api.reply(
                id,
                &ReplyRequest {
                    op_id: item.op_id,
                    body: body.clone(),
                },
            )
            .await?,
        ),
        OutboxAction::Note { body } => Answer::Message(
            api.note(
                id,
                &ReplyRequest {
                    op_id: item.op_id,
                    body: body.clone(),
                },
            )
            .await?,
        ),
        OutboxAction::End { subject, mood } => Answer::Conversation(Box::new(
            api.end(
                id,
                &EndRequest {
                    op_id: item.op_id,
                    subject: subject.clone(),
                    mood: *mood,
                },
            )
            .await?,
        )),
        OutboxAction::Take => Answer::Conversation(Box::new(
            api.take(
                id,
                &TakeRequest {
                    op_id: item.op_id,
                    override_capacity: supervisor,
                },
            )
            .await?,
        )),
        OutboxAction::Free => Answer::Conversation(Box::new(api.act(id, "free", op).await?)),
        OutboxAction::Reopen => Answer::Conversation(Box::new(api.act(id, "reopen", op).await?)),
        OutboxAction::Spam => Answer::Conversation(Box::new(api.act(id, "spam", op).await?)),
        OutboxAction::Transfer {
            to,
            note,
            override_capacity,
        } => Answer::Conversation(Box::new(
            api.transfer(
                id,
                &TransferRequest {
                    op_id: item.op_id,
                    to: to.id,
                    note: note.clone(),
                    override_capacity: *override_capacity,
                },
            )
            .await?,
        )),
    })
}

/// Conversations whose head action failed with a passing fault: each waits out
/// its own backoff while the others' actions go on.
#[derive(Default)]
struct Held(HashMap<i64, (u32, Instant)>);

impl Held {
    /// The conversations still waiting now.
    fn waiting(&self, now: Instant) -> Vec<i64> {
        let mut ids: Vec<i64> = (self.0.iter())
            .filter(|(_, (_, until))| *until > now)
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// When the next held conversation may go again.
    fn next_due(&self, now: Instant) -> Option<Duration> {
        (self.0.values())
            .map(|(_, until)| until.saturating_duration_since(now))
            .filter(|d| !d.is_zero())
            .min()
    }

    fn failed(&mut self, id: i64, cap: Duration) {
        let faults = self.0.get(&id).map_or(0, |(f, _)| *f).saturating_add(1);
        self.0
            .insert(id, (faults, Instant::now() + backoff(faults, cap)));
    }

    fn sent(&mut self, id: i64) {
        self.0.remove(&id);
    }

    /// The link is back: everyone may go again at once.
    fn release(&mut self) {
        self.0.clear();
    }
}

pub(super) async fn outbox_loop(inner: Arc<Inner>) {
    let mut held = Held::default();
    loop {
        wait_online(&inner).await;
        let now = Instant::now();
        let next = inner.cache().next_pending(&held.waiting(now));
        let item = match next {
            Ok(Some(item)) => item,
            Ok(None) => {
                // Nothing to send now: wait for a new action, a reconnect, or
                // the first held conversation's turn.
                let wait = held
                    .next_due(now)
                    .unwrap_or(Duration::from_secs(5))
                    .min(Duration::from_secs(5));
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = inner.outbox_wake.notified() => {}
                    _ = inner.reconnected.notified() => held.release(),
                }
                continue;
            }
            Err(e) => {
                tracing::warn!("outbox: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let supervisor = inner.reader().me().role.sees_everything();
        let sent = match send(&inner, &item, supervisor).await {
            Err(e) if e.code == EngineCode::UnreadableAnswer => Ok(Answer::Accepted),
            other => other,
        };
        match sent {
            Ok(answer) => {
                held.sent(item.conversation_id);
                {
                    let mut cache = inner.cache();
                    match cache.outbox_done(item.seq, &answer) {
                        Ok(()) => inner.emit_rows(&cache, &[item.conversation_id]),
                        Err(e) => tracing::warn!("outbox: {e}"),
                    }
                }
                inner.emit(Change::Outbox {
                    conversation_id: item.conversation_id,
                });
                inner.emit(Change::Conversation {
                    id: item.conversation_id,
                });
            }
            Err(e) if e.code == ErrorCode::Unauthorized => {
                // The sign-in ended: keep everything pending for after the next one.
                inner.set_state(ConnectionState::SignedOut);
            }
            Err(e) if e.is_retryable() => {
                // The request failed, not the action: the same op id goes again
                // after a backoff (or as soon as the stream reconnects: an agent
                // waiting for a take or a reply should not wait out a backoff),
                // and meanwhile only this conversation's later actions wait.
                tracing::info!(
                    "outbox: conversation {} waits to retry: {}",
                    item.conversation_id,
                    e.message
                );
                held.failed(item.conversation_id, inner.options.max_backoff);
            }
            Err(e) => {
                held.sent(item.conversation_id);
                if let Err(err) = inner.cache().outbox_failed(item.seq, e.code, &e.message) {
                    tracing::warn!("outbox: {err}");
                }
                inner.emit(Change::Outbox {
                    conversation_id: item.conversation_id,
                });
            }
        }
    }
}

pub(super) async fn history_loop(
    inner: Arc<Inner>,
    mut ids: tokio::sync::mpsc::UnboundedReceiver<i64>,
) {
    while let Some(id) = ids.recv().await {
        let mut faults: u32 = 0;
        loop {
            wait_online(&inner).await;
            match inner.api.conversation(id).await {
                Ok(detail) => {
                    {
                        let mut cache = inner.cache();
                        match cache.apply_detail(&detail) {
                            Ok(()) => inner.emit_rows(&cache, &[id]),
                            Err(e) => tracing::warn!("history of {id}: {e}"),
                        }
                    }
                    inner.emit(Change::Conversation { id });
                    break;
                }
                Err(e) if e.is_retryable() => {
                    faults = faults.saturating_add(1);
                    tokio::time::sleep(backoff(faults, inner.options.max_backoff)).await;
                }
                // Gone or no longer ours: nothing to keep.
                Err(_) => {
                    if let Err(e) = inner.cache().history_unwanted(id) {
                        tracing::warn!("history of {id}: {e}");
                    }
                    break;
                }
            }
        }
    }
}

/// Stores an archive page off the async runtime (a page of 200 conversations is
/// thousands of rows) and tells the app its rows. Returns how many
/// conversations it held.
async fn apply_page(inner: &Arc<Inner>, page: ArchivePage, gen: i64) -> Result<u64> {
    let inner = inner.clone();
    tokio::task::spawn_blocking(move || {
        let mut cache = inner.cache();
        cache.apply_archive_page(&page, gen)?;
        let ids: Vec<i64> = (page.conversations.iter().map(|a| a.conversation.id))
            .chain(page.removed.iter().map(|r| r.conversation_id))
            .collect();
        inner.emit_rows(&cache, &ids);
        Ok(page.conversations.len() as u64)
    })
    .await
    .map_err(|e| ClientError::new(EngineCode::Cache, format!("archive page: {e}")))?
}

/// Downloads the archive page by page from the saved cursor, fetching the next
/// page while the current one is stored.
async fn backfill_once(inner: &Arc<Inner>) -> Result<()> {
    let (mut cursor, mut gen) = inner.cache().archive_position()?;
    if gen == 0 {
        gen = inner.cache().restart_backfill()?;
        cursor = 0;
    }
    let size = inner.options.archive_page;
    let mut fetched = 0u64;
    let mut page = match inner.api.archive(cursor, size).await {
        // The server no longer keeps removals that old: a full pass, whose end
        // drops what it did not confirm.
        Err(e) if e.code == ErrorCode::ResyncRequired && cursor > 0 => {
            tracing::info!("archive: {}", e.message);
            gen = inner.cache().restart_backfill()?;
            inner.api.archive(0, size).await?
        }
        other => other?,
    };
    loop {
        let (more, after) = (page.has_more, page.next_cursor);
        // The server counts what is left from this page on; conversations archived
        // meanwhile grow the total.
        let total = fetched + u64::try_from(page.remaining).unwrap_or(0);
        if fetched == 0 && more {
            inner.emit(Change::Backfill {
                fetched,
                total,
                done: false,
            });
        }
        let apply = apply_page(inner, page, gen);
        let (stored, next) = if more {
            let (stored, next) = tokio::join!(apply, inner.api.archive(after, size));
            (stored?, Some(next))
        } else {
            (apply.await?, None)
        };
        fetched += stored;
        inner.emit(Change::Backfill {
            fetched,
            total: total.max(fetched),
            done: !more,
        });
        match next {
            None => {
                // Rows a full pass did not confirm left the archive.
                let dropped = inner.cache().finish_backfill(gen)?;
                // The cap's window slides with time.
                let aged = inner.cache().prune_archive()? > 0;
                if dropped || aged {
                    inner.emit(Change::Lists);
                }
                return Ok(());
            }
            Some(next) => page = next?,
        }
    }
}

pub(super) async fn backfill_loop(inner: Arc<Inner>) {
    loop {
        wait_online(&inner).await;
        if let Err(e) = backfill_once(&inner).await {
            tracing::debug!("archive backfill: {e}");
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        }
        let _ = tokio::time::timeout(
            inner.options.archive_refresh,
            inner.backfill_wake.notified(),
        )
        .await;
    }
}

/// How many of the newest messages with files [`files_loop`] looks at.
const FILES_AHEAD_MESSAGES: u32 = 500;
/// What a thumbnail is counted as before it is fetched.
const THUMBNAIL_GUESS: u64 = 32 * 1024;

/// Fetches ahead the attachments (thumbnail and file) of the newest cached
/// messages, newest first, as far as the cap holds them. Each is kept as used
/// when its message came, so what the agent opened since outlasts it, and a
/// newer file pushes out an older one, never the reverse.
pub(super) async fn files_loop(inner: Arc<Inner>) {
    // Files the server refused (gone, no longer visible): not asked for again
    // in this run.
    let mut refused: HashSet<(i64, bool)> = HashSet::new();
    // What the last complete pass saw (the files, the cap): a wake-up with
    // nothing new does no more than one indexed count.
    let mut done: Option<((i64, i64), u64)> = None;
    loop {
        wait_online(&inner).await;
        let now = inner
            .reader()
            .files_signature()
            .map(|sig| (sig, inner.file_cap()));
        match now {
            Ok(seen) if done == Some(seen) => {}
            Ok(seen) => match files_ahead(&inner, &mut refused).await {
                Ok(()) => done = Some(seen),
                Err(e) => tracing::debug!("files ahead: {e}"),
            },
            Err(e) => tracing::debug!("files ahead: {e}"),
        }
        let _ = tokio::time::timeout(Duration::from_secs(60), inner.files_wake.notified()).await;
    }
}

async fn files_ahead(inner: &Inner, refused: &mut HashSet<(i64, bool)>) -> Result<()> {
    let cap = inner.file_cap();
    let wanted = inner.reader().files_wanted(FILES_AHEAD_MESSAGES)?;
    let mut counted = 0u64;
    for w in wanted {
        let a = &w.attachment;
        // The thumbnail (when there is one), then the file.
        let parts: &[bool] = if a.thumbnail {
            &[true, false]
        } else {
            &[false]
        };
        for thumbnail in parts {
            let size = if *thumbnail {
                THUMBNAIL_GUESS
            } else {
                u64::try_from(a.size).unwrap_or(0)
            };
            counted += size;
            if counted > cap {
                return Ok(());
            }
            let key = (a.id, *thumbnail);
            if refused.contains(&key) || inner.reader().has_file(a.id, *thumbnail)? {
                continue;
            }
            match inner.api.attachment(a.id, *thumbnail).await {
                Ok((content_type, bytes)) => {
                    let file = CachedFile {
                        content_type,
                        bytes,
                    };
                    inner
                        .cache()
                        .keep_file(a.id, *thumbnail, &file, w.created_ms, cap)?;
                }
                Err(e) if e.is_retryable() => return Err(e),
                Err(_) => {
                    refused.insert(key);
                }
            }
        }
    }
    Ok(())
}
