//! Files as the app handles them: what the agent attaches (bytes from a paste
//! or a drop, or files chosen in the system's dialog, of which only the chosen
//! ones are read), and attachments to show or save, kept for offline viewing.

use super::{unused_path, write_file, App};
use crate::cache::{CachedFile, OutboxItem};
use crate::engine::MAX_ATTACH_BYTES;
use crate::error::{ClientError, ErrorCode, Result};
use std::path::{Path, PathBuf};
use switchboard_i18n::Lang;

/// The four image types the webview may show; anything else is only saved.
pub const INLINE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// A sender's file name as a name every system's disks take: no folders, no
/// characters Windows refuses, no trailing dots or spaces, no device names.
pub fn disk_name(name: &str) -> String {
    let last = crate::engine::file_name(name);
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"/\\|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_end_matches(['.', ' ']).to_string();
    let stem = cleaned
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let device = ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    match cleaned {
        c if c.is_empty() => "file".to_string(),
        c if device => format!("_{c}"),
        c => c,
    }
}

/// Reads one chosen file, refusing folders and files over the app's limit
/// before reading them.
fn read_chosen(path: &Path, lang: Lang) -> Result<(String, Vec<u8>)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let unreadable =
        |e: std::io::Error| ClientError::new(ErrorCode::InvalidField, format!("{name}: {e}"));
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(ClientError::new(
            ErrorCode::InvalidField,
            switchboard_i18n::tr!(lang, "engine-not-a-file", name = name.clone()),
        ));
    }
    if meta.len() > MAX_ATTACH_BYTES {
        return Err(ClientError::new(
            ErrorCode::BodyTooLarge,
            format!(
                "{name} is too large: the app sends files of at most {} MiB",
                MAX_ATTACH_BYTES / (1024 * 1024)
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    Ok((name, bytes))
}

impl App {
    /// Queues a file for the customer (a paste or a drop in the window).
    pub async fn attach(&self, id: i64, name: &str, bytes: &[u8]) -> Result<OutboxItem> {
        self.with(|e| e.attach(id, name, bytes)).await
    }

    /// Queues the files the agent chose in the system's dialog: all of them, or
    /// none when one cannot be read or is too large.
    pub async fn attach_paths(&self, id: i64, paths: &[PathBuf]) -> Result<Vec<OutboxItem>> {
        let lang = self.speaks.lang();
        let files = paths
            .iter()
            .map(|p| read_chosen(p, lang))
            .collect::<Result<Vec<_>>>()?;
        let engine = self.engine().await?;
        files
            .iter()
            .map(|(name, bytes)| engine.attach(id, name, bytes))
            .collect()
    }

    /// An attachment or its thumbnail, for the window: only the four image
    /// types are shown there (anything else is saved, never opened).
    pub async fn image(&self, id: i64, thumbnail: bool) -> Result<CachedFile> {
        let file = self.engine().await?.file(id, thumbnail).await?;
        if !INLINE_TYPES.contains(&file.content_type.as_str()) {
            return Err(ClientError::new(
                ErrorCode::InvalidField,
                switchboard_i18n::tr!(self.speaks.lang(), "engine-not-an-image"),
            ));
        }
        Ok(file)
    }

    /// Saves an attachment into `dir` under its name (made safe for every
    /// system's disks, never overwriting a file there); where it went.
    pub async fn save_attachment(&self, id: i64, name: &str, dir: &Path) -> Result<PathBuf> {
        let file = self.engine().await?.file(id, false).await?;
        let path = unused_path(dir, &disk_name(name));
        write_file(&path, &file.bytes)?;
        Ok(path)
    }

    /// Bytes of attachments kept for offline viewing now.
    pub async fn file_cache_used(&self) -> Result<u64> {
        self.with(|e| e.file_cache_used()).await
    }
}

#[cfg(test)]
mod tests {
    use super::disk_name;

    #[test]
    fn saved_names_suit_every_disk() {
        assert_eq!(disk_name("receipt.pdf"), "receipt.pdf");
        assert_eq!(disk_name("../../etc/passwd"), "passwd");
        assert_eq!(disk_name("a<b>:c\"d|e?f*.txt"), "a_b__c_d_e_f_.txt");
        assert_eq!(disk_name("notes. . "), "notes");
        assert_eq!(disk_name("con.txt"), "_con.txt");
        assert_eq!(disk_name("COM1"), "_COM1");
        assert_eq!(disk_name("COMPUTER.txt"), "COMPUTER.txt");
        assert_eq!(disk_name("line\nbreak.txt"), "line_break.txt");
        assert_eq!(disk_name("..."), "file");
    }
}
