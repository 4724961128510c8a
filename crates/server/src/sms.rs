//! The SMS channel through a Twilio-compatible provider: the inbound webhook's
//! signature, the Messages API client, and the worker that sends queued texts.
//!
//! Reference: Twilio's webhook security (`X-Twilio-Signature`: HMAC-SHA1 keyed
//! with the account's auth token over the full URL followed by every POST
//! parameter's name and value, sorted by name, base64) and its Messages API
//! (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded `To`,
//! `From`, `Body`, HTTP basic auth with the account SID and auth token).

use crate::store::sms::{OutgoingText, SendOutcome};
use crate::store::Store;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::time::Duration;

/// How the server talks to the SMS provider.
#[derive(Debug, Clone)]
pub struct SmsConfig {
    pub account_sid: String,
    pub auth_token: String,
    /// Our number, texts come to and go from (E.164).
    pub from_number: String,
    /// The Messages API's base, `https://api.twilio.com` for Twilio itself.
    pub api_base: String,
    /// The server's public base URL, as the provider calls it (the signature
    /// covers the full URL). Without it, `http://` + the request's Host is used.
    pub public_url: Option<String>,
    /// First retry delay; doubles per attempt up to five minutes.
    pub retry_base: Duration,
    /// Attempts before a text is marked failed.
    pub max_attempts: u32,
}

/// The webhook path the provider is configured to call.
pub const WEBHOOK_PATH: &str = "/api/v1/sms/twilio";

/// The `X-Twilio-Signature` of a request: base64 of HMAC-SHA1 over the URL
/// followed by each parameter's name and value, sorted by name (then value).
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(mac(auth_token, url, params).finalize().into_bytes())
}

fn mac(auth_token: &str, url: &str, params: &[(String, String)]) -> Hmac<Sha1> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    sorted.dedup();
    // HMAC takes a key of any length.
    let mut mac = match Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    mac
}

/// Checks a request's signature in constant time.
pub fn signature_ok(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    header: &str,
) -> bool {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(header.trim()) else {
        return false;
    };
    mac(auth_token, url, params).verify_slice(&given).is_ok()
}

/// Whether a number looks like E.164: `+` and 2 to 15 digits.
pub fn is_e164(n: &str) -> bool {
    n.strip_prefix('+')
        .is_some_and(|d| (2..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The delay before attempt `attempts + 1`: `base * 2^(attempts-1)`, at most 5 minutes.
pub fn retry_delay(base: Duration, attempts: i64) -> Duration {
    let shift = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    base.saturating_mul(1u32 << shift)
        .min(Duration::from_secs(300))
}

/// The provider's Messages API.
#[derive(Debug, Clone)]
pub struct SmsClient {
    http: reqwest::Client,
    config: SmsConfig,
}

#[derive(serde::Deserialize)]
struct ProviderError {
    code: Option<i64>,
    message: Option<String>,
}

#[derive(serde::Deserialize)]
struct ProviderMessage {
    sid: Option<String>,
}

impl SmsClient {
    /// A client with a 15 s timeout per request.
    pub fn new(config: SmsConfig) -> reqwest::Result<SmsClient> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(SmsClient { http, config })
    }

    /// Sends one text. Network faults, 429 and 5xx are passing; any other
    /// refusal is final, with the provider's code and message.
    pub async fn send(&self, to: &str, body: &str, media_url: Option<&str>) -> SendOutcome {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.config.api_base.trim_end_matches('/'),
            self.config.account_sid
        );
        let sent = self
            .http
            .post(&url)
            .basic_auth(&self.config.account_sid, Some(&self.config.auth_token))
            .form(&message_form(to, &self.config.from_number, body, media_url))
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                return SendOutcome::Retry(format!("the SMS provider could not be reached ({e})"))
            }
        };
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        if status.is_success() {
            let sid = serde_json::from_str::<ProviderMessage>(&text)
                .ok()
                .and_then(|m| m.sid);
            return SendOutcome::Sent(sid);
        }
        let err = serde_json::from_str::<ProviderError>(&text).ok();
        let message = err
            .as_ref()
            .and_then(|e| e.message.clone())
            .unwrap_or_else(|| format!("the SMS provider answered {status}"));
        if status.as_u16() == 429 || status.is_server_error() {
            SendOutcome::Retry(message)
        } else {
            SendOutcome::Refused {
                code: err.and_then(|e| e.code),
                message,
            }
        }
    }
}

/// A file name for an MMS's `n`th file (from 1), by the type the provider gave.
pub fn media_name(n: u32, content_type: &str) -> String {
    let ext = match content_type.split(';').next().unwrap_or("").trim() {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/heic" => "heic",
        "application/pdf" => "pdf",
        "video/mp4" => "mp4",
        "video/3gpp" => "3gp",
        "audio/amr" => "amr",
        "audio/mpeg" => "mp3",
        "text/vcard" | "text/x-vcard" => "vcf",
        "text/plain" => "txt",
        _ => "bin",
    };
    format!("mms-{n}.{ext}")
}

impl SmsClient {
    /// Fetches a file of an inbound MMS with the account's credentials, only
    /// from the provider's own address (the credentials go nowhere else; a
    /// redirect to its storage drops them), and at most `max` bytes.
    pub async fn fetch_media(&self, url: &str, max: usize) -> Result<Vec<u8>, String> {
        let parsed =
            reqwest::Url::parse(url).map_err(|_| "its address is not a URL".to_string())?;
        let provider = reqwest::Url::parse(&self.config.api_base)
            .map_err(|_| "the provider's address is not a URL".to_string())?;
        if parsed.origin() != provider.origin() {
            return Err("it is not at the provider's address".into());
        }
        let mut resp = self
            .http
            .get(parsed)
            .basic_auth(&self.config.account_sid, Some(&self.config.auth_token))
            .send()
            .await
            .map_err(|e| format!("the provider could not be reached ({e})"))?;
        if !resp.status().is_success() {
            return Err(format!("the provider answered {}", resp.status()));
        }
        let too_large = || format!("it is larger than {} MiB", max / (1024 * 1024));
        if resp
            .content_length()
            .is_some_and(|n| n > u64::try_from(max).unwrap_or(u64::MAX))
        {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| format!("the download broke off ({e})"))?
        {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > max {
                return Err(too_large());
            }
        }
        Ok(bytes)
    }
}

/// The Messages API's form: `Body` may be left out when a `MediaUrl` carries
/// a file (MMS).
fn message_form<'a>(
    to: &'a str,
    from: &'a str,
    body: &'a str,
    media_url: Option<&'a str>,
) -> Vec<(&'static str, &'a str)> {
    let mut form = vec![("To", to), ("From", from)];
    if !body.is_empty() || media_url.is_none() {
        form.push(("Body", body));
    }
    if let Some(url) = media_url {
        form.push(("MediaUrl", url));
    }
    form
}

/// Where the provider fetches a texted file.
fn media_url(config: &SmsConfig, token: &str) -> Option<String> {
    let base = config.public_url.as_deref()?;
    Some(format!(
        "{}/api/v1/sms/media/{token}",
        base.trim_end_matches('/')
    ))
}

/// Sends queued texts until `stopping` turns true: oldest first, in order per
/// number, retrying passing faults with backoff, marking final failures.
pub async fn run_worker(
    store: Store,
    client: SmsClient,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    let lease_ms = 60_000;
    let max_attempts = i64::from(client.config.max_attempts.max(1));
    loop {
        if *stopping.borrow() {
            return;
        }
        match store.claim_text(lease_ms).await {
            Ok(Some(text)) => {
                let outcome = match &text.media_token {
                    None => client.send(&text.to, &text.body, None).await,
                    Some(token) => match media_url(&client.config, token) {
                        Some(url) => client.send(&text.to, &text.body, Some(&url)).await,
                        None => SendOutcome::Refused {
                            code: None,
                            message: "the server's public address (serve --public-url) is \
                                      needed for the provider to fetch the file"
                                .into(),
                        },
                    },
                };
                let delay = retry_delay(client.config.retry_base, text.attempts);
                let ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
                if let Err(e) = store.text_outcome(&text, outcome, max_attempts, ms).await {
                    // The lease runs out and the text is tried again.
                    tracing::warn!("recording a text's outcome failed: {}", e.body.message);
                }
                log_attempt(&text);
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("reading the text outbox failed: {}", e.body.message),
        }
        let wait = match store.next_text_due().await {
            Ok(Some(due)) => {
                let ms = due.saturating_sub(crate::db::now_ms()).clamp(10, 30_000);
                Duration::from_millis(u64::try_from(ms).unwrap_or(30_000))
            }
            _ => Duration::from_secs(30),
        };
        tokio::select! {
            _ = store.texts.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = stopping.changed() => {}
        }
    }
}

fn log_attempt(text: &OutgoingText) {
    tracing::debug!(
        "text {} to {} ({}), attempt {}",
        text.id,
        text.to,
        text.kind,
        text.attempts
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn signature_covers_url_and_sorted_parameters() {
        let p = pairs(&[
            ("To", "+15550001111"),
            ("Body", "hi"),
            ("From", "+15550002222"),
        ]);
        let sig = signature("secret", "https://x.example/api/v1/sms/twilio", &p);
        assert!(signature_ok(
            "secret",
            "https://x.example/api/v1/sms/twilio",
            &p,
            &sig
        ));
        // Order of the pairs as sent does not matter; their content does.
        let mut shuffled = p.clone();
        shuffled.reverse();
        assert!(signature_ok(
            "secret",
            "https://x.example/api/v1/sms/twilio",
            &shuffled,
            &sig
        ));
        let forged = pairs(&[
            ("To", "+15550001111"),
            ("Body", "hi!"),
            ("From", "+15550002222"),
        ]);
        assert!(!signature_ok(
            "secret",
            "https://x.example/api/v1/sms/twilio",
            &forged,
            &sig
        ));
        assert!(!signature_ok(
            "other",
            "https://x.example/api/v1/sms/twilio",
            &p,
            &sig
        ));
        assert!(!signature_ok(
            "secret",
            "https://y.example/api/v1/sms/twilio",
            &p,
            &sig
        ));
        assert!(!signature_ok(
            "secret",
            "https://x.example/api/v1/sms/twilio",
            &p,
            "not base64!"
        ));
    }

    #[test]
    fn twilio_documented_example() {
        // The example in Twilio's webhook security documentation.
        let p = pairs(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675310"),
            ("Digits", "1234"),
            ("From", "+14158675310"),
            ("To", "+18005551212"),
        ]);
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert_eq!(signature("12345", url, &p), "GvWf1cFY/Q7PnoempGyD5oXAezc=");
    }

    #[test]
    fn numbers_and_backoff() {
        assert!(is_e164("+15551234567"));
        assert!(!is_e164("15551234567"));
        assert!(!is_e164("+1555abc"));
        assert!(!is_e164("+1234567890123456"));
        let base = Duration::from_millis(100);
        assert_eq!(retry_delay(base, 1), Duration::from_millis(100));
        assert_eq!(retry_delay(base, 3), Duration::from_millis(400));
        assert_eq!(retry_delay(base, 60), Duration::from_secs(300));
    }
}
