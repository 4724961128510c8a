//! The cache's encryption at rest: SQLCipher with a random 256-bit key per
//! cache file, given raw (no passphrase to stretch, so opening a connection
//! costs nothing extra), and the in-place encryption of a plain cache made by an
//! earlier version.

use rusqlite::Connection;
use std::io::Read;
use std::path::Path;
use zeroize::Zeroizing;

/// A cache's key: 32 random bytes, kept as 64 lowercase hex digits.
#[derive(Clone)]
pub struct CacheKey(Zeroizing<String>);

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheKey(…)")
    }
}

impl CacheKey {
    /// A new random key.
    pub fn generate() -> CacheKey {
        use rand::RngCore;
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        let mut hex = Zeroizing::new(String::with_capacity(64));
        for b in bytes.iter() {
            hex.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            hex.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
        }
        CacheKey(hex)
    }

    /// A key as kept (64 hex digits); None for anything else.
    pub fn parse(kept: &str) -> Option<CacheKey> {
        let kept = kept.trim();
        (kept.len() == 64 && kept.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| CacheKey(Zeroizing::new(kept.to_ascii_lowercase())))
    }

    /// The key as kept in the keychain or the key file.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// SQLCipher's raw-key literal, `"x'…'"` (hex digits only: nothing to escape).
    fn literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", self.0.as_str()))
    }
}

/// Gives a new connection its key; must come before anything reads the file.
pub(super) fn apply(conn: &Connection, key: Option<&CacheKey>) -> rusqlite::Result<()> {
    if let Some(key) = key {
        conn.execute_batch(&format!("PRAGMA key = {};", key.literal().as_str()))?;
    }
    Ok(())
}

/// What every SQLite file starts with; an encrypted one starts with random bytes.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether `path` is an unencrypted SQLite file (a cache from before encryption).
pub(super) fn is_plain(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .map(|()| &head == PLAIN_HEADER)
        .unwrap_or(false)
}

/// Encrypts a plain cache in place with `key`, nothing lost: every table, index
/// and the search index are copied into a new encrypted file beside it
/// (`sqlcipher_export`), which then replaces it in one rename. A crash before
/// the rename leaves the plain file as it was (the half-made copy is removed at
/// the next try); after it, the encrypted one.
pub(super) fn encrypt_in_place(path: &Path, key: &CacheKey) -> Result<(), String> {
    let started = std::time::Instant::now();
    let tmp = path.with_extension("encrypting");
    let _ = std::fs::remove_file(&tmp);
    let copy = || -> rusqlite::Result<()> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Everything in the main file first, so that nothing stays in a WAL
        // that would later meet the encrypted file.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        conn.execute(
            &format!(
                "ATTACH DATABASE ?1 AS encrypted KEY {}",
                key.literal().as_str()
            ),
            [tmp.to_string_lossy()],
        )?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        conn.pragma_update(
            Some(rusqlite::DatabaseName::Attached("encrypted")),
            "user_version",
            version,
        )?;
        conn.execute("DETACH DATABASE encrypted", [])?;
        conn.close().map_err(|(_, e)| e)
    };
    let fail = |e: String| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot encrypt the cache: {e}")
    };
    copy().map_err(|e| fail(e.to_string()))?;
    // The last connection's close checkpoints and removes the WAL; one still
    // there means another process has the file open: try again next start.
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if std::fs::metadata(&wal)
        .map(|m| m.len() > 0)
        .unwrap_or(false)
    {
        return Err(fail("the file is in use by another process".into()));
    }
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| fail(e.to_string()))?;
    sync_dir(path);
    tracing::info!(
        "cache {} encrypted in place in {:.1} s",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Makes a rename in `path`'s folder durable (a no-op where folders cannot be
/// opened, as on Windows, whose renames are durable with the file).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{Cache, OutboxAction};
    use switchboard_protocol::{Author, ConversationDetail, Message};

    /// Conversation 7 in the queue, its customer "Zebulon Quist"
    /// (zebulon.quist@example.org), with messages about a "marmalade" parcel.
    fn detail() -> ConversationDetail {
        let mut conversation = crate::test_fixtures::conversation(7, None, None, 1);
        conversation.customer.name = "Zebulon Quist".into();
        conversation.customer.email = Some("zebulon.quist@example.org".into());
        ConversationDetail {
            conversation,
            messages: (1..=40)
                .map(|id| Message {
                    id,
                    conversation_id: 7,
                    author: Author::Customer,
                    agent: None,
                    body: format!("where is my marmalade parcel number {id}"),
                    created_at: chrono::DateTime::from_timestamp(1_800_000_000 + id, 0).unwrap(),
                    attachments: vec![],
                    system: None,
                })
                .collect(),
            earlier: vec![],
        }
    }

    /// The cache's files (the database and its WAL) as bytes.
    fn on_disk(path: &Path) -> Vec<u8> {
        let mut bytes = std::fs::read(path).unwrap();
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        bytes.extend(std::fs::read(std::path::PathBuf::from(wal)).unwrap_or_default());
        bytes
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    }

    fn assert_nothing_readable(path: &Path) {
        let bytes = on_disk(path);
        assert!(bytes.len() > 8192, "{} bytes", bytes.len());
        for word in [
            "marmalade",
            "Zebulon",
            "Quist",
            "zebulon.quist@example.org",
            "SQLite format 3",
        ] {
            assert!(!contains(&bytes, word), "{word:?} is readable in the file");
        }
    }

    /// What a user would look at: the queue, a search, the outbox.
    fn assert_all_there(cache: &Cache) {
        let queue = cache.lists().unwrap().queue;
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].customer.name, "Zebulon Quist");
        let hits = cache.search("marmalade", 50).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].matches, 40);
        assert_eq!(
            cache.search("quist", 50).unwrap().len(),
            1,
            "by the customer's name"
        );
        assert_eq!(cache.search_in(7, "parcel").unwrap().len(), 40);
        assert_eq!(cache.outbox(None).unwrap().len(), 1);
        assert_eq!(cache.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn the_cache_file_holds_no_customer_words_and_search_works() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let key = CacheKey::generate();
        let (mut cache, _) = Cache::open(&path, &crate::test_fixtures::me(), Some(&key)).unwrap();
        cache.apply_detail(&detail()).unwrap();
        cache.enqueue(7, OutboxAction::Free).unwrap();
        assert_all_there(&cache);
        // A second connection (the UI's reader) reads with the same key.
        assert_all_there(&cache.reader().unwrap());
        // While open (pages in the WAL) and after the close (checkpointed).
        assert_nothing_readable(&path);
        drop(cache);
        assert_nothing_readable(&path);
        let (cache, rebuilt) = Cache::open(&path, &crate::test_fixtures::me(), Some(&key)).unwrap();
        assert_eq!(rebuilt, None);
        assert_all_there(&cache);
    }

    #[test]
    fn a_plain_cache_is_encrypted_in_place_with_nothing_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        // An earlier version's cache, written plain; left with its WAL, as a
        // crash leaves it.
        let (mut plain, _) = Cache::open(&path, &crate::test_fixtures::me(), None).unwrap();
        plain.apply_detail(&detail()).unwrap();
        plain.enqueue(7, OutboxAction::Free).unwrap();
        assert!(
            contains(&on_disk(&path), "marmalade"),
            "the old cache was plain"
        );
        std::mem::forget(plain);

        let key = CacheKey::generate();
        let (cache, rebuilt) = Cache::open(&path, &crate::test_fixtures::me(), Some(&key)).unwrap();
        assert_eq!(rebuilt, None, "migrated, not rebuilt");
        assert_all_there(&cache);
        let version: i64 = cache
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, crate::cache::SCHEMA_VERSION);
        drop(cache);
        assert_nothing_readable(&path);
        assert!(!path.with_extension("encrypting").exists());
        // And it stays encrypted: the next open reads it with the key.
        let (cache, rebuilt) = Cache::open(&path, &crate::test_fixtures::me(), Some(&key)).unwrap();
        assert_eq!(rebuilt, None);
        assert_all_there(&cache);
    }

    #[test]
    fn a_half_made_copy_from_an_interrupted_migration_is_thrown_away() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let (mut plain, _) = Cache::open(&path, &crate::test_fixtures::me(), None).unwrap();
        plain.apply_detail(&detail()).unwrap();
        plain.enqueue(7, OutboxAction::Free).unwrap();
        drop(plain);
        std::fs::write(path.with_extension("encrypting"), b"half a copy").unwrap();
        let (cache, rebuilt) = Cache::open(
            &path,
            &crate::test_fixtures::me(),
            Some(&CacheKey::generate()),
        )
        .unwrap();
        assert_eq!(rebuilt, None);
        assert_all_there(&cache);
    }

    #[test]
    fn a_cache_whose_key_is_gone_is_rebuilt_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let (mut cache, _) = Cache::open(
            &path,
            &crate::test_fixtures::me(),
            Some(&CacheKey::generate()),
        )
        .unwrap();
        cache.apply_detail(&detail()).unwrap();
        drop(cache);
        let (cache, rebuilt) = Cache::open(
            &path,
            &crate::test_fixtures::me(),
            Some(&CacheKey::generate()),
        )
        .unwrap();
        let rebuilt = rebuilt.expect("the unreadable file was set aside");
        assert!(
            rebuilt.reason.contains("not this key's"),
            "{}",
            rebuilt.reason
        );
        assert!(rebuilt.moved_to.exists());
        assert!(
            cache.lists().unwrap().queue.is_empty(),
            "a fresh cache, to fill from the server"
        );
    }

    #[test]
    fn keys_are_random_and_parse_back() {
        let (a, b) = (CacheKey::generate(), CacheKey::generate());
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(a.as_str().len(), 64);
        assert_eq!(CacheKey::parse(a.as_str()).unwrap().as_str(), a.as_str());
        assert_eq!(
            CacheKey::parse(&format!(" {}\n", a.as_str().to_uppercase()))
                .unwrap()
                .as_str(),
            a.as_str()
        );
        for bad in [
            "",
            "xyz",
            &"0".repeat(63),
            &"g".repeat(64),
            "x'00'\"; DROP TABLE meta; --",
        ] {
            assert!(CacheKey::parse(bad).is_none(), "{bad:?}");
        }
        assert_eq!(format!("{a:?}"), "CacheKey(…)");
    }
}
