//! Attachments: the only writer of `blobs` and `attachments`. A file's content
//! is kept once per SHA-256, with its type sniffed from the content and, for an
//! image shown inline, a thumbnail made with decoding limits. The work on the
//! content (hashing, sniffing, decoding) happens in [`prepare`], before any
//! transaction; the transaction only stores.

use crate::db::now_ms;
use crate::error::{Error, Result};
use crate::store::rules::inline;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use switchboard_protocol::{ConversationId, MessageId};

/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_PX: u32 = 320;
/// Longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 255;
/// Images larger than this on either side get no thumbnail (their header is
/// read, nothing is decoded).
const MAX_DECODE_SIDE: u32 = 12_000;
/// Memory one decode may use.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// A file ready to store: its content, address, type and thumbnail.
pub struct Prepared {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub content_type: String,
    pub thumbnail: Option<Vec<u8>>,
}

/// Longest name taken as sent, in characters (folders included).
pub const MAX_RAW_NAME_CHARS: usize = 1000;

/// The name as kept: folders dropped, cut to 255 characters keeping a short
/// extension. Refused with control characters, when the last part is only dots
/// and spaces, or over 1,000 characters as sent (the schema says the same).
pub fn clean_name(raw: &str) -> Result<String> {
    if raw.chars().count() > MAX_RAW_NAME_CHARS {
        return Err(crate::validate::too_long("name", MAX_RAW_NAME_CHARS));
    }
    if raw.chars().any(char::is_control) {
        return Err(Error::field_said(crate::words!("error-file-name-control")));
    }
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name = base.trim();
    if !name.chars().any(|c| !c.is_whitespace() && c != '.') {
        return Err(Error::field_said(crate::words!("error-file-name-missing")));
    }
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= MAX_NAME_CHARS {
        return Ok(name.to_string());
    }
    let ext: String = match name.rfind('.') {
        Some(dot) if name.len() - dot <= 16 => name[dot..].to_string(),
        _ => String::new(),
    };
    let keep = MAX_NAME_CHARS - ext.chars().count();
    Ok(chars[..keep].iter().collect::<String>() + &ext)
}

/// The content's type, from its first bytes: never from the name.
pub fn sniff(bytes: &[u8]) -> String {
    if let Some(t) = infer::get(bytes) {
        return t.mime_type().to_string();
    }
    let head = &bytes[..bytes.len().min(1024)];
    let text = std::str::from_utf8(head).is_ok()
        || std::str::from_utf8(bytes).is_ok()
        || matches!(std::str::from_utf8(head), Err(e) if e.error_len().is_none());
    if text {
        let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
        if lower.contains("<svg") {
            return "image/svg+xml".into();
        }
        if lower.contains("<html") || lower.contains("<!doctype html") || lower.contains("<script")
        {
            return "text/html".into();
        }
        return "text/plain".into();
    }
    "application/octet-stream".into()
}

/// A PNG thumbnail of at most [`THUMBNAIL_PX`], for an inline type that decodes
/// within the limits; None otherwise (the file is still stored).
fn thumbnail(bytes: &[u8], content_type: &str) -> Option<Vec<u8>> {
    if !inline(content_type) {
        return None;
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().ok()?;
    let small = decoded.thumbnail(THUMBNAIL_PX, THUMBNAIL_PX);
    let mut out = std::io::Cursor::new(Vec::new());
    small.write_to(&mut out, image::ImageFormat::Png).ok()?;
    Some(out.into_inner())
}

/// Hashes, sniffs and makes the thumbnail: CPU work, for a blocking thread.
pub fn prepare(bytes: Vec<u8>) -> Prepared {
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    let content_type = sniff(&bytes);
    let thumbnail = thumbnail(&bytes, &content_type);
    Prepared {
        bytes,
        sha256,
        content_type,
        thumbnail,
    }
}

/// Stores the content once (a file already kept is not written again) and
/// attaches it to a message under `name`.
pub async fn attach(
    conn: &mut AnyConnection,
    message: MessageId,
    conversation: ConversationId,
    file: &Prepared,
    name: &str,
) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO blobs (sha256, size, content_type, data, thumbnail, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&file.sha256)
    .bind(file.bytes.len() as i64)
    .bind(&file.content_type)
    .bind(file.bytes.clone())
    .bind(file.thumbnail.clone())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO attachments (message_id, conversation_id, sha256, name, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(message)
    .bind(conversation)
    .bind(&file.sha256)
    .bind(name)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A stored file as served.
pub struct Content {
    pub conversation: ConversationId,
    /// Who wrote the line it is attached to (`customer`, `agent`, `note`).
    pub author: String,
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Attachment `id`'s content, or its thumbnail (None when it has none).
pub async fn content(
    conn: &mut AnyConnection,
    id: i64,
    thumbnail: bool,
) -> Result<Option<Content>> {
    let column = if thumbnail { "b.thumbnail" } else { "b.data" };
    let row = sqlx::query(&format!(
        "SELECT a.conversation_id, m.author, a.name, b.content_type, {column} AS bytes \
         FROM attachments a JOIN blobs b ON b.sha256 = a.sha256 \
         JOIN messages m ON m.id = a.message_id WHERE a.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("attachment"))?;
    let Some(bytes) = row.try_get::<Option<Vec<u8>>, _>("bytes")? else {
        return Ok(None);
    };
    Ok(Some(Content {
        conversation: row.try_get("conversation_id")?,
        author: row.try_get("author")?,
        name: row.try_get("name")?,
        content_type: if thumbnail {
            "image/png".into()
        } else {
            row.try_get("content_type")?
        },
        bytes,
    }))
}

/// Deletes the files of `customer`'s conversations (an erasure), and each
/// content no other conversation's file shares. Returns how many files.
pub async fn erase(
    conn: &mut AnyConnection,
    customer: switchboard_protocol::CustomerId,
) -> Result<u64> {
    let hashes: Vec<String> = sqlx::query("SELECT DISTINCT sha256 FROM attachments WHERE conversation_id IN (SELECT id FROM conversations WHERE customer_id = $1)")
        .bind(customer)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    let n = sqlx::query("DELETE FROM attachments WHERE conversation_id IN (SELECT id FROM conversations WHERE customer_id = $1)")
        .bind(customer)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    for sha in hashes {
        sqlx::query(
            "DELETE FROM blobs WHERE sha256 = $1 \
             AND NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = $1)",
        )
        .bind(sha)
        .execute(&mut *conn)
        .await?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn names_lose_folders_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\me\\photo.png").unwrap(), "photo.png");
        assert_eq!(clean_name("../../etc/passwd").unwrap(), "passwd");
        assert!(clean_name("a\u{0}b.txt").is_err());
        assert!(clean_name("\u{17}").is_err());
        assert!(clean_name("...").is_err());
        assert!(clean_name("dir/").is_err());
        assert!(clean_name("..").is_err());
        let long = clean_name(&format!("{}.png", "x".repeat(300))).unwrap();
        assert_eq!(long.chars().count(), MAX_NAME_CHARS);
        assert!(long.ends_with("x.png"));
        assert!(clean_name(&"x".repeat(1001)).is_err());
    }

    #[test]
    fn the_type_comes_from_the_content_not_the_name() {
        assert_eq!(sniff(&png(2, 2)), "image/png");
        assert_eq!(
            sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            "image/svg+xml"
        );
        assert_eq!(
            sniff(b"<!DOCTYPE html><script>alert(1)</script>"),
            "text/html"
        );
        assert_eq!(sniff(b"hello"), "text/plain");
        assert_eq!(sniff(&[0, 159, 146, 150, 1, 2]), "application/octet-stream");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
    }

    #[test]
    fn thumbnails_fit_in_320_pixels_and_bombs_get_none() {
        let p = prepare(png(1000, 500));
        let t = image::load_from_memory(&p.thumbnail.unwrap()).unwrap();
        assert_eq!((t.width(), t.height()), (320, 160));
        // A PNG whose header claims 100,000 × 100,000 pixels: not decoded.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let p = prepare(bomb);
        assert_eq!(p.content_type, "image/png");
        assert!(p.thumbnail.is_none());
        // Not an inline type: no thumbnail.
        assert!(prepare(b"%PDF-1.7\n".to_vec()).thumbnail.is_none());
    }
}
