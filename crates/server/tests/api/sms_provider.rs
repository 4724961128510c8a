//! A local stand-in for the SMS provider: it speaks Twilio's Messages API
//! format, checks every request is well-formed, records it, and can be told to
//! fail; and Twilio's webhook signature, computed from its documented algorithm
//! independently of the server's code.

use axum::extract::{Path as AxPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha1::Sha1;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const AUTH: &str = "test-auth-token-9f8e7d";
pub const OUR_NUMBER: &str = "+15550000000";
pub const PUBLIC: &str = "https://support.example.test";

/// Twilio's documented scheme: base64(HMAC-SHA1(auth token, URL + each POST
/// parameter's name and value, sorted by name)).
pub fn twilio_signature(token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_string();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let mut mac = Hmac::<Sha1>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[test]
fn the_tests_signature_matches_twilios_documented_example() {
    let params = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675310"),
        ("Digits", "1234"),
        ("From", "+14158675310"),
        ("To", "+18005551212"),
    ];
    assert_eq!(
        twilio_signature(
            "12345",
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            &params
        ),
        "GvWf1cFY/Q7PnoempGyD5oXAezc="
    );
}

/// One text the provider accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub to: String,
    pub from: String,
    pub body: String,
}

#[derive(Default)]
struct ProviderState {
    sent: Vec<Sent>,
    /// Every request, accepted or not, by body.
    attempts: Vec<String>,
    /// Answers to give before accepting again: (status, JSON body).
    script: VecDeque<(u16, Value)>,
    /// What was wrong with requests that were not well-formed.
    malformed: Vec<String>,
    /// Files of inbound MMS, by path: (content type, bytes).
    media: std::collections::HashMap<String, (String, Vec<u8>)>,
    /// Media fetches without the account's credentials.
    unauthorised_fetches: usize,
    /// Where this server's public address really is (the tests' PUBLIC does
    /// not resolve): MediaUrl is fetched there.
    public_at: Option<String>,
    /// Each MMS sent: its MediaUrl and what fetching it gave (status, bytes).
    mms: Vec<(String, u16, Vec<u8>)>,
}

/// A local HTTP endpoint in the provider's Messages API format.
pub struct Provider {
    pub base: String,
    state: Arc<Mutex<ProviderState>>,
}

async fn messages(
    State(state): State<Arc<Mutex<ProviderState>>>,
    AxPath(account): AxPath<String>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, axum::Json<Value>) {
    let mut problems = Vec::new();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{AUTH}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        problems.push("basic auth is not AccountSid:AuthToken".to_string());
    }
    if account != SID {
        problems.push(format!("wrong account path {account}"));
    }
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.starts_with("application/x-www-form-urlencoded") {
        problems.push(format!("content type {ct}"));
    }
    let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let (to, from, text) = (get("To"), get("From"), get("Body"));
    let media_url = get("MediaUrl");
    if !to.as_deref().is_some_and(|t| t.starts_with('+')) {
        problems.push(format!("To is {to:?}"));
    }
    if from.as_deref() != Some(OUR_NUMBER) {
        problems.push(format!("From is {from:?}"));
    }
    if text.as_deref().is_none_or(str::is_empty) && media_url.is_none() {
        problems.push("no Body and no MediaUrl".into());
    }
    // Like the provider, fetch the file (without credentials) before queuing it.
    if let Some(url) = &media_url {
        let public_at = state.lock().unwrap().public_at.clone();
        let real = match public_at {
            Some(at) if url.starts_with(PUBLIC) => url.replacen(PUBLIC, &at, 1),
            _ => url.clone(),
        };
        let (status, bytes) = match reqwest::get(&real).await {
            Ok(r) => {
                let status = r.status().as_u16();
                (
                    status,
                    r.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
                )
            }
            Err(_) => (0, Vec::new()),
        };
        if status != 200 {
            problems.push(format!("MediaUrl {url} answered {status}"));
        }
        state.lock().unwrap().mms.push((url.clone(), status, bytes));
    }
    let mut s = state.lock().unwrap();
    s.attempts.push(text.clone().unwrap_or_default());
    if !problems.is_empty() {
        s.malformed.extend(problems);
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"code": 21604, "message": "malformed request", "status": 400})),
        );
    }
    if let Some((status, answer)) = s.script.pop_front() {
        return (StatusCode::from_u16(status).unwrap(), axum::Json(answer));
    }
    s.sent.push(Sent {
        to: to.unwrap(),
        from: from.unwrap(),
        body: text.unwrap_or_default(),
    });
    let n = s.sent.len();
    (
        StatusCode::CREATED,
        axum::Json(json!({"sid": format!("SM{n:032}"), "status": "queued", "account_sid": SID})),
    )
}

/// A file of an inbound MMS, behind the account's credentials (Twilio's
/// "enforce HTTP auth on media URLs").
async fn media(
    State(state): State<Arc<Mutex<ProviderState>>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{AUTH}"))
    );
    let mut s = state.lock().unwrap();
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        s.unauthorised_fetches += 1;
        return (StatusCode::UNAUTHORIZED, "authenticate").into_response();
    }
    match s.media.get(uri.path()) {
        Some((kind, bytes)) => ([("content-type", kind.clone())], bytes.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "no such media").into_response(),
    }
}

impl Provider {
    pub async fn start() -> Provider {
        let state = Arc::new(Mutex::new(ProviderState::default()));
        let app = axum::Router::new()
            .route(
                "/2010-04-01/Accounts/{account}/Messages.json",
                post(messages),
            )
            .route(
                "/2010-04-01/Accounts/{account}/Messages/{message}/Media/{media}",
                axum::routing::get(media),
            )
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Provider { base, state }
    }

    /// Holds a file of an inbound MMS; its URL, as the webhook names it.
    pub fn add_media(&self, message: &str, n: u32, kind: &str, bytes: Vec<u8>) -> String {
        let path = format!("/2010-04-01/Accounts/{SID}/Messages/{message}/Media/ME{n:032}");
        self.state
            .lock()
            .unwrap()
            .media
            .insert(path.clone(), (kind.to_string(), bytes));
        format!("{}{path}", self.base)
    }

    pub fn unauthorised_fetches(&self) -> usize {
        self.state.lock().unwrap().unauthorised_fetches
    }

    /// Fetches MediaUrl at `base` in place of the tests' PUBLIC address.
    pub fn public_at(&self, base: &str) {
        self.state.lock().unwrap().public_at = Some(base.to_string());
    }

    /// Each MMS sent: (MediaUrl, the fetch's status, the bytes fetched).
    pub fn mms(&self) -> Vec<(String, u16, Vec<u8>)> {
        self.state.lock().unwrap().mms.clone()
    }

    pub fn fail_next(&self, answers: &[(u16, Value)]) {
        self.state
            .lock()
            .unwrap()
            .script
            .extend(answers.iter().cloned());
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.state.lock().unwrap().sent.clone()
    }

    pub fn attempts_of(&self, body: &str) -> usize {
        let s = self.state.lock().unwrap();
        s.attempts.iter().filter(|b| *b == body).count()
    }

    /// Waits until `n` texts were accepted.
    pub async fn wait_sent(&self, n: usize) -> Vec<Sent> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let sent = self.sent();
            if sent.len() >= n {
                assert!(
                    self.state.lock().unwrap().malformed.is_empty(),
                    "malformed requests: {:?}",
                    self.state.lock().unwrap().malformed
                );
                return sent;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {n} texts sent: {sent:?}; malformed: {:?}",
                sent.len(),
                self.state.lock().unwrap().malformed
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
