//! The SMS provider's inbound webhook (Twilio's format).

use crate::error::{Error, Result};
use crate::http::agent_api::detached;
use crate::http::AppState;
use crate::sms::{is_e164, media_name, signature_ok, SmsClient, SmsConfig};
use crate::store::sms::InboundText;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use switchboard_protocol::{ApiError, ErrorCode};

/// The empty TwiML answer: we reply later through the Messages API, not inline.
const EMPTY_TWIML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

/// The URL the provider signed: the configured public base (or `http://` + Host)
/// with the request's path and query.
fn signed_url(config: &SmsConfig, headers: &HeaderMap, uri: &Uri) -> Result<String> {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    match &config.public_url {
        Some(base) => Ok(format!("{}{path}", base.trim_end_matches('/'))),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .ok_or_else(|| {
                    Error::new(ErrorCode::InvalidRequest, "the request has no Host header")
                })?;
            Ok(format!("http://{host}{path}"))
        }
    }
}

fn field<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The name–value pairs of a form body, in order.
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// What a signed webhook form says, checked: the signature over `url` and the
/// form, the account, the sender (E.164) and that it came to our number.
#[derive(Debug)]
pub struct InboundForm {
    pub sid: String,
    pub from: String,
    /// The text (may be empty when files come).
    pub body: String,
    /// How many files the provider says it carries (at most [`MAX_MEDIA`]).
    pub media: u32,
    pub params: Vec<(String, String)>,
}

/// Reads the provider's form (`body`) signed with `signature`. Forged or
/// unsigned: 403; a field missing or malformed: 400; not to our number:
/// `unknown_number`.
pub fn read_form(
    config: &SmsConfig,
    url: &str,
    body: &[u8],
    signature: &str,
) -> Result<InboundForm> {
    let params = form_pairs(body);
    if !signature_ok(&config.auth_token, url, &params, signature) {
        return Err(Error::forbidden(
            "the X-Twilio-Signature does not match this request",
        ));
    }
    if field(&params, "AccountSid").is_some_and(|a| a != config.account_sid) {
        return Err(Error::forbidden("the text is for another account"));
    }
    let sid = field(&params, "MessageSid")
        .or_else(|| field(&params, "SmsSid"))
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .ok_or_else(|| Error::field("MessageSid is missing"))?
        .to_owned();
    let from = field(&params, "From").ok_or_else(|| Error::field("From is missing"))?;
    if !is_e164(from) {
        return Err(Error::field(
            "From must be a phone number like +15551234567",
        ));
    }
    let from = from.to_owned();
    let to = field(&params, "To").ok_or_else(|| Error::field("To is missing"))?;
    if to != config.from_number {
        return Err(Error::new(
            ErrorCode::UnknownNumber,
            format!("this server does not answer texts to {to}"),
        ));
    }
    let body = field(&params, "Body").unwrap_or_default().to_owned();
    let media: u32 = field(&params, "NumMedia")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
        .min(MAX_MEDIA);
    Ok(InboundForm {
        sid,
        from,
        body,
        media,
        params,
    })
}

/// An inbound text from the SMS provider: form-encoded `MessageSid`, `From`,
/// `To`, `Body`, …, signed with `X-Twilio-Signature`. Unsigned or forged: 403.
/// A repeated `MessageSid` is stored once.
#[utoipa::path(post, path = "/api/v1/sms/twilio", tag = "sms",
    request_body(content = String, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "Empty TwiML", content_type = "text/xml"),
        (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn twilio_webhook(
    State(s): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let Some(config) = s.sms.clone() else {
        return Err(Error::new(
            ErrorCode::NotFound,
            "text messaging is not configured on this server",
        ));
    };
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !form {
        return Err(Error::new(
            ErrorCode::InvalidRequest,
            "the webhook takes an application/x-www-form-urlencoded body",
        ));
    }
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::new(ErrorCode::BodyTooLarge, "the request body exceeds 64 KiB")
        } else {
            Error::new(ErrorCode::InvalidRequest, r.body_text())
        }
    })?;
    let Some(sig) = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return Err(Error::forbidden("the request has no X-Twilio-Signature"));
    };
    let url = signed_url(&config, &headers, &uri)?;
    let InboundForm {
        sid,
        from,
        body: mut text,
        media,
        params,
    } = read_form(&config, &url, &body, sig)?;
    if text.trim().is_empty() && media == 0 {
        return Ok(twiml());
    }
    let max = s.store.config.attachment_max_bytes;
    let (files, missed) = fetch_media(&config, &params, media, max).await;
    for why in missed {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&format!(
            "[A file sent by text could not be fetched: {why}]"
        ));
    }
    if text.trim().is_empty() && files.is_empty() {
        return Ok(twiml());
    }
    let inbound = InboundText {
        sid,
        from,
        body: text,
        files,
    };
    detached(async move { s.store.sms_inbound(&inbound).await }).await?;
    Ok(twiml())
}

/// At most this many files of one text are fetched (the provider sends up to 10).
const MAX_MEDIA: u32 = 10;

/// The files of an inbound MMS (`MediaUrl0`…, `MediaContentType0`…), fetched
/// from the provider; and why each one that could not be was not.
async fn fetch_media(
    config: &SmsConfig,
    params: &[(String, String)],
    count: u32,
    max: usize,
) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
    let (mut files, mut missed) = (Vec::new(), Vec::new());
    if count == 0 {
        return (files, missed);
    }
    let client = match SmsClient::new(config.clone()) {
        Ok(c) => c,
        Err(e) => {
            missed.push(format!("no HTTP client ({e})"));
            return (files, missed);
        }
    };
    for i in 0..count {
        let Some(url) = field(params, &format!("MediaUrl{i}")) else {
            missed.push(format!("MediaUrl{i} is missing"));
            continue;
        };
        let kind = field(params, &format!("MediaContentType{i}")).unwrap_or("");
        match client.fetch_media(url, max).await {
            Ok(bytes) => files.push((media_name(i + 1, kind), bytes)),
            Err(why) => missed.push(why),
        }
    }
    (files, missed)
}

fn twiml() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        EMPTY_TWIML,
    )
        .into_response()
}
