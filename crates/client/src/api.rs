//! The server's HTTP API, typed.

use crate::error::{ClientError, ClientErrorCode, EngineCode, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use switchboard_i18n::Lang;
use switchboard_protocol::{
    AgentId, AgentList, ArchivePage, Availability, AvailabilityRequest, BlockedCustomerList,
    CannedReply, CannedReplyRequest, CapacityRequest, ChatReport, ChatReportQuery,
    ConversationDetail, ConversationId, ConversationSummary, Customer, CustomerId, EndRequest,
    Erasure, LoginRequest, LoginResponse, Message, OpRequest, ReplyRequest, Snapshot, TakeRequest,
    Team, TransferRequest,
};
use url::Url;

/// Checks and normalises a server address the agent typed ("chat.example.com"
/// becomes "https://chat.example.com/").
pub fn parse_server(input: &str) -> Result<Url> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ClientError::new(
            EngineCode::BadAddress,
            "enter the server's address",
        ));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| {
        ClientError::new(
            EngineCode::BadAddress,
            format!("{trimmed:?} is not a server address: {e}"),
        )
    })?;
    let has_credentials = !url.username().is_empty() || url.password().is_some();
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() || has_credentials {
        return Err(ClientError::new(
            EngineCode::BadAddress,
            format!("{trimmed:?} is not a server address: use http:// or https://"),
        ));
    }
    Ok(url)
}

/// How long a file may take to go up or come down (10 MiB on a slow line).
const FILE_TIMEOUT: Duration = Duration::from_secs(300);

/// The language the agent reads, shared by an app, its session and every
/// API client made from it: asked of the server for its messages
/// (Accept-Language on every request), and spoken by the engine's own
/// refusals. English until the app says otherwise ([`Speaks::set`]).
#[derive(Clone, Debug, Default)]
pub struct Speaks(Arc<std::sync::RwLock<Lang>>);

impl Speaks {
    /// From now on, `lang` (the app's language changed).
    pub fn set(&self, lang: Lang) {
        if let Ok(mut l) = self.0.write() {
            *l = lang;
        }
    }

    pub fn lang(&self) -> Lang {
        self.0.read().map(|l| *l).unwrap_or_default()
    }
}

/// An HTTP client for one server, with or without a token.
#[derive(Clone, Debug)]
pub struct Api {
    base: Url,
    token: Option<String>,
    http: reqwest::Client,
    speaks: Speaks,
}

fn unreachable(e: reqwest::Error) -> ClientError {
    ClientError::new(
        EngineCode::Unreachable,
        format!("cannot reach the server: {e}"),
    )
}

impl Api {
    pub fn new(base: Url, token: Option<String>) -> Api {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Api {
            base,
            token,
            http,
            speaks: Speaks::default(),
        }
    }

    /// This client asking for `speaks`'s language.
    pub fn speaking(mut self, speaks: Speaks) -> Api {
        self.speaks = speaks;
        self
    }

    /// The language the agent reads.
    pub fn lang(&self) -> Lang {
        self.speaks.lang()
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    fn url(&self, path: &str) -> Result<Url> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|e| ClientError::new(EngineCode::BadAddress, e.to_string()))
    }

    async fn send<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<T> {
        let bytes = self.send_bytes(req).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            ClientError::new(
                EngineCode::UnreadableAnswer,
                format!("unexpected answer from the server: {e}"),
            )
        })
    }

    /// Sends with the token; a 2xx answer's bytes, or the server's `{code, message}`.
    async fn send_bytes(&self, req: reqwest::RequestBuilder) -> Result<Vec<u8>> {
        let req = match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let (http, request) = req.build_split();
        let mut request = request.map_err(|e| {
            ClientError::new(
                EngineCode::BadAddress,
                format!("cannot make the request: {e}"),
            )
        })?;
        // The agent's language, unless the request asks for its own (a CSV).
        request
            .headers_mut()
            .entry(reqwest::header::ACCEPT_LANGUAGE)
            .or_insert(reqwest::header::HeaderValue::from_static(
                self.speaks.lang().tag(),
            ));
        let resp = http.execute(request).await.map_err(unreachable)?;
        self.answer_bytes(resp).await
    }

    /// A 2xx answer's bytes, or the server's `{code, message}`.
    async fn answer_bytes(&self, resp: reqwest::Response) -> Result<Vec<u8>> {
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(unreachable)?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        // Read the code as text: a newer server's new codes still arrive as codes.
        #[derive(serde::Deserialize)]
        struct WireError {
            code: String,
            message: String,
        }
        match serde_json::from_slice::<WireError>(&bytes) {
            Ok(e) => {
                let code = ClientErrorCode::parse(&e.code);
                if code == EngineCode::Unknown {
                    tracing::warn!(
                        "the server answered {status} with a code this version does not know: {}",
                        e.code
                    );
                }
                Err(ClientError::new(code, e.message))
            }
            Err(_) => Err(ClientError::new(
                EngineCode::BadResponse,
                format!("the server answered {status}; is this a Switchboard server?"),
            )),
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let url = self.url(path)?;
        self.send(self.http.get(url)).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let url = self.url(path)?;
        self.send(self.http.post(url).json(body)).await
    }

    /// A PUT answered with 204 and no body.
    async fn put_no_content<B: Serialize>(&self, path: &str, body: &B) -> Result<()> {
        let url = self.url(path)?;
        self.send_bytes(self.http.put(url).json(body)).await?;
        Ok(())
    }

    async fn put<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let url = self.url(path)?;
        self.send(self.http.put(url).json(body)).await
    }

    /// A DELETE answered with 204 and no body.
    async fn delete(&self, path: &str) -> Result<()> {
        let url = self.url(path)?;
        self.send_bytes(self.http.delete(url)).await?;
        Ok(())
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<LoginResponse> {
        let body = LoginRequest {
            email: email.to_string(),
            password: password.to_string(),
        };
        self.post("api/v1/auth/login", &body).await
    }

    /// Ends the session on the server (204, no body).
    pub async fn logout(&self) -> Result<()> {
        let url = self.url("api/v1/auth/logout")?;
        let mut req = self.http.post(url).json(&serde_json::json!({}));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        req.send().await.map_err(unreachable)?;
        Ok(())
    }

    pub async fn snapshot(&self) -> Result<Snapshot> {
        self.get("api/v1/snapshot").await
    }

    pub async fn archive(&self, after: i64, limit: u32) -> Result<ArchivePage> {
        self.get(&format!("api/v1/archive?after={after}&limit={limit}"))
            .await
    }

    pub async fn conversation(&self, id: ConversationId) -> Result<ConversationDetail> {
        self.get(&format!("api/v1/conversations/{id}")).await
    }

    /// Takes a conversation (supervisors may pass their capacity).
    pub async fn take(&self, id: ConversationId, req: &TakeRequest) -> Result<ConversationSummary> {
        self.post(&format!("api/v1/conversations/{id}/take"), req)
            .await
    }

    /// take, free, reopen or spam.
    pub async fn act(
        &self,
        id: ConversationId,
        action: &str,
        op: OpRequest,
    ) -> Result<ConversationSummary> {
        self.post(&format!("api/v1/conversations/{id}/{action}"), &op)
            .await
    }

    pub async fn transfer(
        &self,
        id: ConversationId,
        req: &TransferRequest,
    ) -> Result<ConversationSummary> {
        self.post(&format!("api/v1/conversations/{id}/transfer"), req)
            .await
    }

    /// Every agent with availability and load, and the queue at a glance.
    pub async fn team(&self) -> Result<Team> {
        self.get("api/v1/team").await
    }

    /// Blocked customers with what they wrote meanwhile (supervisors).
    pub async fn blocked_customers(&self) -> Result<BlockedCustomerList> {
        self.get("api/v1/blocked-customers").await
    }

    /// Erase a customer (supervisors).
    pub async fn erase_customer(&self, customer: CustomerId, op: OpRequest) -> Result<Erasure> {
        self.post(&format!("api/v1/customers/{customer}/erase"), &op)
            .await
    }

    /// Unblock a customer (supervisors).
    pub async fn unblock(&self, customer: CustomerId, op: OpRequest) -> Result<Customer> {
        self.post(&format!("api/v1/blocked-customers/{customer}/unblock"), &op)
            .await
    }

    /// Set how many conversations an agent may occupy at once (supervisors).
    pub async fn set_capacity(&self, agent: AgentId, capacity: Option<u32>) -> Result<()> {
        self.put_no_content(
            &format!("api/v1/agents/{agent}/capacity"),
            &CapacityRequest { capacity },
        )
        .await
    }

    /// Add a canned reply (supervisors).
    pub async fn add_canned_reply(&self, req: &CannedReplyRequest) -> Result<CannedReply> {
        self.post("api/v1/canned-replies", req).await
    }

    /// Change a canned reply (supervisors).
    pub async fn update_canned_reply(
        &self,
        id: i64,
        req: &CannedReplyRequest,
    ) -> Result<CannedReply> {
        self.put(&format!("api/v1/canned-replies/{id}"), req).await
    }

    /// Delete a canned reply (supervisors).
    pub async fn delete_canned_reply(&self, id: i64) -> Result<()> {
        self.delete(&format!("api/v1/canned-replies/{id}")).await
    }

    /// Become available or away.
    pub async fn set_availability(&self, availability: Availability) -> Result<()> {
        self.put_no_content(
            "api/v1/me/availability",
            &AvailabilityRequest { availability },
        )
        .await
    }

    pub async fn reply(&self, id: ConversationId, req: &ReplyRequest) -> Result<Message> {
        self.post(&format!("api/v1/conversations/{id}/messages"), req)
            .await
    }

    /// Attaches a file as the occupant: a reply that carries it, once per op id.
    pub async fn attach(
        &self,
        id: ConversationId,
        op_id: uuid::Uuid,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<Message> {
        let mut url = self.url(&format!("api/v1/conversations/{id}/attachments"))?;
        url.query_pairs_mut()
            .append_pair("name", name)
            .append_pair("op_id", &op_id.to_string());
        let req = self
            .http
            .post(url)
            .timeout(FILE_TIMEOUT)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes);
        self.send(req).await
    }

    /// An attachment's content (or its thumbnail) and its type.
    pub async fn attachment(&self, id: i64, thumbnail: bool) -> Result<(String, Vec<u8>)> {
        let mut url = self.url(&format!("api/v1/attachments/{id}"))?;
        if thumbnail {
            url.query_pairs_mut().append_pair("thumbnail", "true");
        }
        let req = match &self.token {
            Some(t) => self.http.get(url).bearer_auth(t),
            None => self.http.get(url),
        };
        let resp = req
            .timeout(FILE_TIMEOUT)
            .send()
            .await
            .map_err(unreachable)?;
        let kind = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_string();
        let bytes = self.answer_bytes(resp).await?;
        Ok((kind, bytes))
    }

    /// The occupant is typing a reply (204, no body; never stored).
    pub async fn typing(&self, id: ConversationId) -> Result<()> {
        let url = self.url(&format!("api/v1/conversations/{id}/typing"))?;
        self.send_bytes(self.http.post(url)).await?;
        Ok(())
    }

    /// An internal note (the same request as a reply; never sent to the customer).
    pub async fn note(&self, id: ConversationId, req: &ReplyRequest) -> Result<Message> {
        self.post(&format!("api/v1/conversations/{id}/notes"), req)
            .await
    }

    pub async fn end(&self, id: ConversationId, req: &EndRequest) -> Result<ConversationSummary> {
        self.post(&format!("api/v1/conversations/{id}/end"), req)
            .await
    }

    /// The agents, for a supervisor's report picker.
    pub async fn agents(&self) -> Result<AgentList> {
        self.get("api/v1/agents").await
    }

    fn report_url(&self, path: &str, q: &ChatReportQuery) -> Result<Url> {
        let mut url = self.url(path)?;
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("from", &q.from.to_rfc3339());
            pairs.append_pair("to", &q.to.to_rfc3339());
            if let Some(a) = q.agent_id {
                pairs.append_pair("agent_id", &a.to_string());
            }
        }
        Ok(url)
    }

    /// The chat report for a range (own line for agents; anyone for supervisors).
    pub async fn chat_report(&self, q: &ChatReportQuery) -> Result<ChatReport> {
        let url = self.report_url("api/v1/reports/chat", q)?;
        self.send(self.http.get(url)).await
    }

    /// The same report as CSV bytes.
    pub async fn chat_report_csv(&self, q: &ChatReportQuery, language: &str) -> Result<Vec<u8>> {
        let url = self.report_url("api/v1/reports/chat.csv", q)?;
        let request = self
            .http
            .get(url)
            .header(reqwest::header::ACCEPT_LANGUAGE, language);
        self.send_bytes(request).await
    }

    /// The stream's WebSocket URL for a cursor.
    pub fn stream_url(&self, cursor: i64) -> Result<Url> {
        let mut url = self.url(&format!("api/v1/stream?cursor={cursor}"))?;
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        url.set_scheme(scheme).map_err(|_| {
            ClientError::new(EngineCode::BadAddress, "cannot make a WebSocket address")
        })?;
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_are_checked_and_normalised() {
        assert_eq!(
            parse_server("chat.example.com").unwrap().as_str(),
            "https://chat.example.com/"
        );
        assert_eq!(
            parse_server(" http://127.0.0.1:8080 ").unwrap().as_str(),
            "http://127.0.0.1:8080/"
        );
        for bad in [
            "",
            "   ",
            "ftp://x.example",
            "http://",
            "https://exa mple.com",
            "mailto:a@b.c",
        ] {
            assert_eq!(
                parse_server(bad).unwrap_err().code,
                EngineCode::BadAddress,
                "{bad:?}"
            );
        }
    }
}
