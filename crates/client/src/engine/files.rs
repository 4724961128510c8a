//! Files through the engine: what the agent attaches (queued with its bytes,
//! sent once), attachments from the cache or the server (then kept), and the
//! cap on what is kept for offline viewing.

use super::{Change, Engine, MAX_ATTACH_BYTES};
use crate::cache::{CachedFile, OutboxItem};
use crate::error::{ClientError, ErrorCode, Result};
use std::sync::atomic::Ordering;

impl Engine {
    /// Queues a file for the customer, sent when online, exactly once. Only the
    /// last part of `name` is kept (never a folder).
    pub fn attach(&self, id: i64, name: &str, bytes: &[u8]) -> Result<OutboxItem> {
        let name = file_name(name);
        if bytes.is_empty() {
            return Err(ClientError::new(
                ErrorCode::InvalidField,
                switchboard_i18n::tr!(
                    self.inner.api.lang(),
                    "engine-file-empty",
                    name = name.clone()
                ),
            ));
        }
        if bytes.len() as u64 > MAX_ATTACH_BYTES {
            return Err(ClientError::new(
                ErrorCode::BodyTooLarge,
                format!(
                    "{name} is too large: the app sends files of at most {} MiB",
                    MAX_ATTACH_BYTES / (1024 * 1024)
                ),
            ));
        }
        let item = self.inner.cache().enqueue_file(id, &name, bytes)?;
        self.inner.outbox_wake.notify_one();
        self.inner.emit(Change::Outbox {
            conversation_id: id,
        });
        Ok(item)
    }

    /// An attachment (or its thumbnail): from the cache when kept, else from
    /// the server, then kept (the least recently used files make room).
    pub async fn file(&self, id: i64, thumbnail: bool) -> Result<CachedFile> {
        let now = chrono::Utc::now().timestamp_millis();
        let kept = self.inner.reader().file(id, thumbnail)?;
        if let Some(file) = kept {
            if let Err(e) = self.inner.cache().touch_file(id, thumbnail, now) {
                tracing::warn!("file cache: {e}");
            }
            return Ok(file);
        }
        let (content_type, bytes) = self.inner.api.attachment(id, thumbnail).await?;
        let file = CachedFile {
            content_type,
            bytes,
        };
        let cap = self.inner.file_cap();
        if let Err(e) = self.inner.cache().keep_file(id, thumbnail, &file, now, cap) {
            tracing::warn!("file cache: {e}");
        }
        Ok(file)
    }

    /// Sets how many bytes of attachments are kept for offline viewing; the
    /// next file kept makes the rest fit.
    pub fn set_file_cache_bytes(&self, bytes: u64) {
        self.inner.file_cap.store(bytes, Ordering::Relaxed);
        self.inner.files_wake.notify_one();
    }

    /// Keeps at most `months` of archive in the cache (None: all of it): older
    /// conversations are forgotten now and as time passes; a wider window
    /// fetches the archive again in full.
    pub fn set_archive_months(&self, months: Option<u32>) -> Result<()> {
        if self.inner.cache().set_archive_months(months)? {
            self.inner.cache().restart_backfill()?;
            self.inner.backfill_wake.notify_one();
        }
        self.inner.emit(Change::Lists);
        Ok(())
    }

    /// Bytes of attachments kept now.
    pub fn file_cache_used(&self) -> Result<u64> {
        self.inner.reader().files_size()
    }
}

/// The last part of a file's name as the agent's system gave it: no folders,
/// no surrounding spaces; "file" when nothing is left.
pub fn file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if last.is_empty() {
        "file".to_string()
    } else {
        last.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_lose_their_folders() {
        assert_eq!(super::file_name("C:\\Users\\a\\shot.png"), "shot.png");
        assert_eq!(super::file_name("/home/a/ notes.txt "), "notes.txt");
        assert_eq!(super::file_name("dir/"), "file");
        assert_eq!(super::file_name(""), "file");
    }
}
