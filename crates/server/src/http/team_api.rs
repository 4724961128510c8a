//! Team routing: transfer to a named colleague, availability, capacity, and the
//! team at a glance.

use crate::error::Result;
use crate::http::agent_api::detached;
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::AppState;
use crate::store::agents::Caller;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use switchboard_protocol::{
    ApiError, AvailabilityRequest, CapacityRequest, ConversationSummary, Team, TransferRequest,
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
