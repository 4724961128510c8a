//! The customer API: each conversation is reached with its own token.

use crate::error::{Error, Result};
use crate::http::agent_api::detached;
use crate::http::extract::{ApiJson, ApiPath, ApiWebSocket, CustomerToken};
use crate::http::AppState;
use crate::hub::{HubItem, Signal};
use axum::extract::ws::{Message as WsMessage, WebSocket};
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_protocol::{
    ApiError, CustomerConversation, CustomerLanguage, CustomerLanguageRequest,
    CustomerMessageRequest, CustomerMessageResponse, CustomerSession, CustomerStreamAuth,
    CustomerStreamFrame, ErrorCode, SeenRequest, StartConversationRequest, SurveyRequest,
    SurveyResult,
};
use tokio::sync::broadcast::error::RecvError;

/// Start a chat: returns the conversation and its token.
#[utoipa::path(post, path = "/api/v1/customer/conversations", tag = "customers",
    request_body = StartConversationRequest,
    responses((status = 200, body = CustomerSession), (status = 400, body = ApiError), (status = 429, body = ApiError)))]
pub async fn start(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<StartConversationRequest>,
) -> Result<Json<CustomerSession>> {
    s.customer_limits
        .start(s.proxies.client(peer.ip(), &headers))
        .await?;
    Ok(Json(
        s.store
            .start_conversation(&req.name, &req.email, req.language.as_deref())
            .await?,
    ))
}

/// Write to the conversation (after its end, this opens a new one).
#[utoipa::path(post, path = "/api/v1/customer/conversations/{id}/messages", tag = "customers",
    params(("id" = i64, Path)), request_body = CustomerMessageRequest, security(("customer_token" = [])),
    responses((status = 200, body = CustomerMessageResponse), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 429, body = ApiError)))]
pub async fn post(
    State(s): State<AppState>,
    CustomerToken(token): CustomerToken,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CustomerMessageRequest>,
) -> Result<Json<CustomerMessageResponse>> {
    s.customer_limits.message(id).await?;
    Ok(Json(
        detached(async move {
            s.store
                .customer_post(id, &token, &req.body, req.client_id)
                .await
        })
        .await?,
    ))
}

/// Read the conversation.
#[utoipa::path(get, path = "/api/v1/customer/conversations/{id}", tag = "customers",
    params(("id" = i64, Path)), security(("customer_token" = [])),
    responses((status = 200, body = CustomerConversation), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn read(
    State(s): State<AppState>,
    CustomerToken(token): CustomerToken,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CustomerConversation>> {
    Ok(Json(s.store.customer_read(id, &token).await?))
}

/// Rate the conversation once it has ended: 1 to 5 and an optional comment.
/// A second answer gets 409 `survey_answered`; the first stands.
#[utoipa::path(post, path = "/api/v1/customer/conversations/{id}/survey", tag = "customers",
    params(("id" = i64, Path)), request_body = SurveyRequest, security(("customer_token" = [])),
    responses((status = 200, body = SurveyResult), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 429, body = ApiError)))]
pub async fn survey(
    State(s): State<AppState>,
    CustomerToken(token): CustomerToken,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<SurveyRequest>,
) -> Result<Json<SurveyResult>> {
    s.customer_limits.message(id).await?;
    Ok(Json(
        detached(async move { s.store.customer_survey(id, &token, &req).await }).await?,
    ))
}

/// The customer is typing (the page sends this about once a second while they
/// type): the agents who see the conversation are told, never stored. Answered
/// 204 also when the signal is dropped (too soon after the last one, or the
/// conversation has ended).
#[utoipa::path(post, path = "/api/v1/customer/conversations/{id}/typing", tag = "customers",
    params(("id" = i64, Path)), security(("customer_token" = [])),
    responses((status = 204), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn typing(
    State(s): State<AppState>,
    CustomerToken(token): CustomerToken,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    s.store.customer_typing(id, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The page has shown the customer the agents' messages up to `message_id` (an
/// agent's message of this conversation): agents see "Seen". Only moves forward.
#[utoipa::path(post, path = "/api/v1/customer/conversations/{id}/seen", tag = "customers",
    params(("id" = i64, Path)), request_body = SeenRequest, security(("customer_token" = [])),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError),
        (status = 404, description = "`not_found`: no agent message with that id in this conversation", body = ApiError)))]
pub async fn seen(
    State(s): State<AppState>,
    CustomerToken(token): CustomerToken,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<SeenRequest>,
) -> Result<StatusCode> {
    detached(async move { s.store.customer_seen(id, &token, req.message_id).await }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The page's language changed (the customer chose another): the server keeps
/// the nearest language it has (English when none; never an error for a
/// well-formed tag) for its texts to this customer, and answers what it kept.
/// Agents see it with the conversation.
#[utoipa::path(post, path = "/api/v1/customer/conversations/{id}/language", tag = "customers",
    params(("id" = i64, Path)), request_body = CustomerLanguageRequest, security(("customer_token" = [])),
    responses((status = 200, body = CustomerLanguage),
        (status = 400, description = "`invalid_field`: not a language tag, or longer than 35 characters", body = ApiError),
        (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 429, body = ApiError)))]
pub async fn language(
    State(s): State<AppState>,
    CustomerToken(token): CustomerToken,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CustomerLanguageRequest>,
) -> Result<Json<CustomerLanguage>> {
    s.customer_limits.message(id).await?;
    Ok(Json(
        detached(async move { s.store.customer_language(id, &token, &req.language).await }).await?,
    ))
}

/// Live updates for the chat page (WebSocket). The page sends
/// `{"token": "…"}` first; the server answers with the whole conversation, again
/// after every change, and a heartbeat in between.
#[utoipa::path(get, path = "/api/v1/customer/conversations/{id}/stream", tag = "customers",
    params(("id" = i64, Path)),
    responses((status = 101, description = "WebSocket of CustomerStreamFrame, after a CustomerStreamAuth frame from the page", body = CustomerStreamFrame),
        (status = 400, body = ApiError)))]
pub async fn stream(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiWebSocket(ws): ApiWebSocket,
) -> Response {
    let streams = s.streams.clone();
    // Streams run on the streams' runtime (see `serve`).
    crate::http::stream::buffers(ws).on_upgrade(move |socket| async move {
        streams.spawn(customer_stream(s, id, socket));
    })
}

async fn send_frame(socket: &mut WebSocket, frame: &CustomerStreamFrame) -> bool {
    match serde_json::to_string(frame) {
        Ok(json) => socket.send(WsMessage::Text(json.into())).await.is_ok(),
        Err(_) => false,
    }
}

async fn refuse(socket: &mut WebSocket, e: &Error) {
    let frame = CustomerStreamFrame::Error {
        code: e.body.code,
        message: e.body.message.clone(),
    };
    send_frame(socket, &frame).await;
    let _ = socket.send(WsMessage::Close(None)).await;
}

async fn customer_stream(s: AppState, id: i64, mut socket: WebSocket) {
    let _counted = s.store.metrics.stream("customer");
    let first = tokio::time::timeout(Duration::from_secs(10), socket.recv()).await;
    let token = match first {
        Ok(Some(Ok(WsMessage::Text(t)))) => match serde_json::from_str::<CustomerStreamAuth>(&t) {
            Ok(a) => a.token,
            Err(e) => {
                let e = Error::new(
                    ErrorCode::InvalidRequest,
                    format!("the first frame must be {{\"token\": …}}: {e}"),
                );
                return refuse(&mut socket, &e).await;
            }
        },
        _ => {
            let e = Error::new(
                ErrorCode::Unauthorized,
                "send {\"token\": …} first, within 10 seconds",
            );
            return refuse(&mut socket, &e).await;
        }
    };
    // Subscribe before the first read, so no change falls between the two.
    let mut changes = s.store.hub.subscribe();
    let mut stopping = s.stopping.clone();
    let mut heartbeat = tokio::time::interval(s.heartbeat);
    heartbeat.tick().await;
    let mut last: Option<CustomerConversation> = None;
    let mut dirty = true;
    loop {
        if dirty {
            dirty = false;
            match s.store.customer_read(id, &token).await {
                Ok(view) if last.as_ref() != Some(&view) => {
                    let frame = CustomerStreamFrame::Conversation {
                        conversation: view.clone(),
                    };
                    if !send_frame(&mut socket, &frame).await {
                        return;
                    }
                    last = Some(view);
                }
                Ok(_) => {}
                Err(e) if e.status < 500 => return refuse(&mut socket, &e).await,
                Err(_) => {} // a passing fault: the next heartbeat reads again
            }
        }
        tokio::select! {
            item = changes.recv() => match item {
                Ok(HubItem::Event(e)) => dirty |= e.conversation == Some(id),
                Ok(HubItem::Signal(sig)) => {
                    if let Signal::AgentTyping { conversation, agent_name } = &*sig {
                        let frame = CustomerStreamFrame::Typing { agent_name: agent_name.clone() };
                        if *conversation == id && !send_frame(&mut socket, &frame).await {
                            return;
                        }
                    }
                }
                // Missed signals are missed: they come again while they matter.
                Err(RecvError::Lagged(_)) => dirty = true,
                Err(RecvError::Closed) => return,
            },
            _ = heartbeat.tick() => {
                // Also reads again: changes made on another server node reach the
                // page within a heartbeat even without this node's hub.
                dirty = true;
                if !send_frame(&mut socket, &CustomerStreamFrame::Heartbeat).await {
                    return;
                }
            }
            msg = socket.recv() => match msg {
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            _ = stopping.changed() => {
                let _ = socket.send(WsMessage::Close(None)).await;
                return;
            }
        }
    }
}
