//! Team routing: transfer to a named colleague, availability, capacity, and the
//! team at a glance; the team's canned replies.

use crate::error::Result;
use crate::http::agent_api::detached;
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::AppState;
use crate::store::agents::Caller;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use switchboard_protocol::{
    ApiError, AvailabilityRequest, CannedReply, CannedReplyList, CannedReplyRequest,
    CapacityRequest, ConversationSummary, Team, TransferRequest,
};

/// Hand a conversation to a named colleague (the occupant or a supervisor).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/transfer", tag = "conversations", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = TransferRequest,
    responses((status = 200, description = "Now the target's", body = ConversationSummary),
        (status = 400, description = "`invalid_field`: the note is too long", body = ApiError),
        (status = 404, description = "`not_found`: no such conversation or agent", body = ApiError),
        (status = 409, description = "`agent_unavailable` (the target is away), `agent_at_capacity`, `not_occupant`, `invalid_state` (the target already occupies it; queued, archived, spam, or changed meanwhile), `op_id_reused`", body = ApiError)))]
pub async fn transfer(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<TransferRequest>,
) -> Result<Json<ConversationSummary>> {
    Ok(Json(
        detached(async move { s.store.transfer(&caller, id, req).await }).await?,
    ))
}

/// Every agent with availability, load, capacity and longest wait; the queue.
#[utoipa::path(get, path = "/api/v1/team", tag = "team", security(("bearer" = [])),
    responses((status = 200, body = Team), (status = 401, body = ApiError)))]
pub async fn team(State(s): State<AppState>, _caller: Caller) -> Result<Json<Team>> {
    Ok(Json(s.store.team().await?))
}

/// Become available or away.
#[utoipa::path(put, path = "/api/v1/me/availability", tag = "team", security(("bearer" = [])),
    request_body = AvailabilityRequest,
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError)))]
pub async fn availability(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<AvailabilityRequest>,
) -> Result<StatusCode> {
    detached(async move { s.store.set_availability(&caller, req.availability).await }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Set how many conversations an agent may occupy at once (supervisors).
#[utoipa::path(put, path = "/api/v1/agents/{id}/capacity", tag = "supervisors", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = CapacityRequest,
    responses((status = 204), (status = 400, body = ApiError), (status = 403, body = ApiError),
        (status = 404, description = "`not_found`: no such agent", body = ApiError)))]
pub async fn capacity(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CapacityRequest>,
) -> Result<StatusCode> {
    detached(async move { s.store.set_capacity(Some(&caller), id, req.capacity).await }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove an agent from the team (supervisors): no more sign-ins, their tokens
/// revoked, the conversations they held back in the queue; their name stays on
/// the history and in the reports.
#[utoipa::path(delete, path = "/api/v1/agents/{id}", tag = "supervisors", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError),
        (status = 404, description = "`not_found`: no such agent, or already removed", body = ApiError),
        (status = 409, description = "`invalid_state`: supervisors cannot remove themselves", body = ApiError)))]
pub async fn remove_agent(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    detached(async move { s.store.remove_agent(Some(&caller), id).await }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every canned reply, by shortcut (any agent; the snapshot carries them too).
#[utoipa::path(get, path = "/api/v1/canned-replies", tag = "canned replies", security(("bearer" = [])),
    responses((status = 200, body = CannedReplyList), (status = 401, body = ApiError)))]
pub async fn canned_replies(
    State(s): State<AppState>,
    _caller: Caller,
) -> Result<Json<CannedReplyList>> {
    Ok(Json(CannedReplyList {
        replies: s.store.canned_replies().await?,
    }))
}

/// Add a canned reply (supervisors). `{customer.name}` and `{agent.name}` in the
/// body are filled in when an agent inserts it.
#[utoipa::path(post, path = "/api/v1/canned-replies", tag = "canned replies", security(("bearer" = [])),
    request_body = CannedReplyRequest,
    responses((status = 201, body = CannedReply),
        (status = 400, description = "`invalid_field`: blank or too long, a shortcut that is not 1-32 of a-z 0-9 - _, an unknown placeholder; `message_too_long`", body = ApiError),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 409, description = "`shortcut_taken`", body = ApiError)))]
pub async fn add_canned_reply(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CannedReplyRequest>,
) -> Result<(StatusCode, Json<CannedReply>)> {
    let reply = detached(async move { s.store.add_canned_reply(Some(&caller), req).await }).await?;
    Ok((StatusCode::CREATED, Json(reply)))
}

/// Change a canned reply's title, shortcut and body (supervisors).
#[utoipa::path(put, path = "/api/v1/canned-replies/{id}", tag = "canned replies", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = CannedReplyRequest,
    responses((status = 200, body = CannedReply), (status = 400, body = ApiError),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`shortcut_taken`", body = ApiError)))]
pub async fn update_canned_reply(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CannedReplyRequest>,
) -> Result<Json<CannedReply>> {
    Ok(Json(
        detached(async move { s.store.update_canned_reply(Some(&caller), id, req).await }).await?,
    ))
}

/// Delete a canned reply (supervisors).
#[utoipa::path(delete, path = "/api/v1/canned-replies/{id}", tag = "canned replies", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 404, description = "`not_found`", body = ApiError)))]
pub async fn delete_canned_reply(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    detached(async move { s.store.delete_canned_reply(Some(&caller), id).await }).await?;
    Ok(StatusCode::NO_CONTENT)
}
