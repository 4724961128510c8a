//! The customer API: each conversation is reached with its own token.

use crate::error::Result;
use crate::http::agent_api::detached;
use crate::http::extract::{ApiJson, ApiPath, CustomerToken};
use crate::http::AppState;
use axum::extract::{ConnectInfo, State};
use axum::Json;
use std::net::SocketAddr;
use switchboard_protocol::{
    ApiError, CustomerConversation, CustomerMessageRequest, CustomerMessageResponse,
    CustomerSession, StartConversationRequest,
};

/// Start a chat: returns the conversation and its token.
#[utoipa::path(post, path = "/api/v1/customer/conversations", tag = "customers",
    request_body = StartConversationRequest,
    responses((status = 200, body = CustomerSession), (status = 400, body = ApiError), (status = 429, body = ApiError)))]
pub async fn start(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<StartConversationRequest>,
) -> Result<Json<CustomerSession>> {
    s.customer_limits.start(peer.ip())?;
    Ok(Json(
        s.store.start_conversation(&req.name, &req.email).await?,
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
    s.customer_limits.message(id)?;
    Ok(Json(
        detached(async move { s.store.customer_post(id, &token, &req.body).await }).await?,
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
