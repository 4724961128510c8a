//! The agent API: sign-in, lists, conversations and the actions on them.

use crate::error::{Error, Result};
use crate::http::extract::{accepted_language, bearer, ApiJson, ApiPath, ApiQuery};
use crate::http::AppState;
use crate::store::agents::Caller;
use crate::store::reports;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::net::SocketAddr;
use switchboard_protocol::{
    AgentList, ApiError, ArchivePage, ArchiveQuery, BlockedCustomerList, ChatReport,
    ChatReportQuery, ConversationDetail, ConversationSummary, Customer, EndRequest, Erasure,
    LoginRequest, LoginResponse, Me, Message, OpRequest, ReplyRequest, Snapshot, SubjectList,
    TakeRequest,
};

/// Runs a state change to completion even if the client goes away mid-request,
/// so that a committed change always reaches the streams.
pub async fn detached<T: Send + 'static>(
    change: impl std::future::Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    tokio::spawn(change)
        .await
        .map_err(|e| Error::internal("change task", e))?
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ApiError), (status = 429, body = ApiError)))]
pub async fn login(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    s.login_limits
        .check(s.proxies.client(peer.ip(), &headers), &req.email)
        .await?;
    Ok(Json(s.store.login(&req.email, &req.password).await?))
}

/// End this token's session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ApiError)))]
pub async fn logout(
    State(s): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
) -> Result<StatusCode> {
    if let Some(token) = bearer(&headers) {
        s.store.logout(token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in agent.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ApiError)))]
pub async fn me(caller: Caller) -> Json<Me> {
    Json(caller.me())
}

/// The three lists and the event sequence they reflect.
#[utoipa::path(get, path = "/api/v1/snapshot", tag = "sync", security(("bearer" = [])),
    responses((status = 200, body = Snapshot), (status = 401, body = ApiError)))]
pub async fn snapshot(State(s): State<AppState>, caller: Caller) -> Result<Json<Snapshot>> {
    Ok(Json(s.store.snapshot(&caller).await?))
}

/// Closed conversations with their messages, a page at a time.
#[utoipa::path(get, path = "/api/v1/archive", tag = "sync", security(("bearer" = [])), params(ArchiveQuery),
    responses((status = 200, body = ArchivePage), (status = 400, body = ApiError), (status = 403, body = ApiError),
        (status = 409, body = ApiError, description = "resync_required: the cursor is older than the removals kept; page from after=0")))]
pub async fn archive(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ArchiveQuery>,
) -> Result<Json<ArchivePage>> {
    Ok(Json(s.store.archive(&caller, &q).await?))
}

/// One conversation with its history and the customer's earlier conversations.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ConversationDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn conversation(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ConversationDetail>> {
    Ok(Json(s.store.conversation(&caller, id).await?))
}

/// Take a conversation from the queue; 409 `conversation_taken` if someone was first.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/take", tag = "conversations", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = TakeRequest,
    responses((status = 200, body = ConversationSummary),
        (status = 409, description = "`conversation_taken`, `at_capacity` (the caller holds their capacity), `invalid_state`", body = ApiError),
        (status = 404, body = ApiError)))]
pub async fn take(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<TakeRequest>,
) -> Result<Json<ConversationSummary>> {
    Ok(Json(
        detached(async move {
            s.store
                .take(&caller, id, req.op_id, req.override_capacity)
                .await
        })
        .await?,
    ))
}

/// Reply (occupant only).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "conversations", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReplyRequest,
    responses((status = 200, body = Message), (status = 400, body = ApiError), (status = 409, body = ApiError)))]
pub async fn reply(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReplyRequest>,
) -> Result<Json<Message>> {
    Ok(Json(
        detached(async move { s.store.reply(&caller, id, req.op_id, req.body).await }).await?,
    ))
}

/// Write an internal note for the team (anyone who may read the conversation,
/// in any state). Never shown or sent to the customer.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/notes", tag = "conversations", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReplyRequest,
    responses((status = 201, body = Message), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, description = "`forbidden`: a conversation the caller may not read", body = ApiError),
        (status = 404, body = ApiError), (status = 409, description = "`op_id_reused`", body = ApiError)))]
pub async fn note(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReplyRequest>,
) -> Result<(StatusCode, Json<Message>)> {
    let note =
        detached(async move { s.store.note(&caller, id, req.op_id, req.body).await }).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// The occupant is typing a reply (the app sends this about once a second
/// while they type one, never while writing a note): the customer's page shows
/// it. Never stored; 204 also when dropped as too soon after the last one.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/typing", tag = "conversations", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ApiError), (status = 404, body = ApiError),
        (status = 409, description = "`not_occupant` or `invalid_state`: only the occupant types replies", body = ApiError)))]
pub async fn typing(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    s.store.agent_typing(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Free conversation: back to the queue.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/free", tag = "conversations", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OpRequest,
    responses((status = 200, body = ConversationSummary), (status = 409, body = ApiError)))]
pub async fn free(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<OpRequest>,
) -> Result<Json<ConversationSummary>> {
    Ok(Json(
        detached(async move { s.store.free(&caller, id, req.op_id).await }).await?,
    ))
}

/// End conversation with the questionnaire.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/end", tag = "conversations", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = EndRequest,
    responses((status = 200, body = ConversationSummary), (status = 400, body = ApiError), (status = 409, body = ApiError)))]
pub async fn end(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<EndRequest>,
) -> Result<Json<ConversationSummary>> {
    Ok(Json(
        detached(async move { s.store.end(&caller, id, req).await }).await?,
    ))
}

/// Reopen an archived conversation.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/reopen", tag = "conversations", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OpRequest,
    responses((status = 200, body = ConversationSummary), (status = 403, body = ApiError), (status = 409, body = ApiError)))]
pub async fn reopen(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<OpRequest>,
) -> Result<Json<ConversationSummary>> {
    Ok(Json(
        detached(async move { s.store.reopen(&caller, id, req.op_id).await }).await?,
    ))
}

/// Report as spam: blocks the customer.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/spam", tag = "conversations", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OpRequest,
    responses((status = 200, body = ConversationSummary), (status = 409, body = ApiError)))]
pub async fn spam(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<OpRequest>,
) -> Result<Json<ConversationSummary>> {
    Ok(Json(
        detached(async move { s.store.spam(&caller, id, req.op_id).await }).await?,
    ))
}

/// The questionnaire's subjects.
#[utoipa::path(get, path = "/api/v1/subjects", tag = "conversations", security(("bearer" = [])),
    responses((status = 200, body = SubjectList)))]
pub async fn subjects(State(s): State<AppState>, _caller: Caller) -> Result<Json<SubjectList>> {
    Ok(Json(SubjectList {
        subjects: s.store.subjects().await?,
    }))
}

/// Every agent (supervisors).
#[utoipa::path(get, path = "/api/v1/agents", tag = "supervisors", security(("bearer" = [])),
    responses((status = 200, body = AgentList), (status = 403, body = ApiError)))]
pub async fn agents(State(s): State<AppState>, caller: Caller) -> Result<Json<AgentList>> {
    if !caller.sees_everything() {
        return Err(Error::forbidden("only supervisors can list agents"));
    }
    Ok(Json(AgentList {
        agents: s.store.list_agents().await?,
    }))
}

/// Blocked customers and what they wrote while blocked (supervisors).
#[utoipa::path(get, path = "/api/v1/blocked-customers", tag = "supervisors", security(("bearer" = [])),
    responses((status = 200, body = BlockedCustomerList), (status = 403, body = ApiError)))]
pub async fn blocked(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<BlockedCustomerList>> {
    Ok(Json(BlockedCustomerList {
        customers: s.store.blocked_customers(&caller).await?,
    }))
}

/// Unblock a customer (supervisors).
#[utoipa::path(post, path = "/api/v1/blocked-customers/{id}/unblock", tag = "supervisors", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OpRequest,
    responses((status = 200, body = Customer), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 409, description = "`op_id_reused`: the op id was used for another request", body = ApiError)))]
pub async fn unblock(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<OpRequest>,
) -> Result<Json<Customer>> {
    Ok(Json(
        detached(async move { s.store.unblock(&caller, id, req.op_id).await }).await?,
    ))
}

/// Erase a customer (supervisors): their name, email and phone, every message,
/// file, survey and text of their conversations, their chat page's tokens and
/// the stream events that carried their words are deleted; the conversations
/// stay, anonymised and empty, for the reports. Refused while one of their
/// conversations is open.
#[utoipa::path(post, path = "/api/v1/customers/{id}/erase", tag = "supervisors", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OpRequest,
    responses((status = 200, body = Erasure), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 409, description = "`invalid_state`: a conversation of theirs is open; `op_id_reused`: the op id was used for another request", body = ApiError)))]
pub async fn erase_customer(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<OpRequest>,
) -> Result<Json<Erasure>> {
    Ok(Json(
        detached(async move { s.store.erase_customer(&caller, id, req.op_id).await }).await?,
    ))
}

/// The chat report for a range: per agent, or (supervisors) every agent with a total.
#[utoipa::path(get, path = "/api/v1/reports/chat", tag = "reports", security(("bearer" = [])), params(ChatReportQuery),
    responses((status = 200, body = ChatReport), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn chat_report(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ChatReportQuery>,
) -> Result<Json<ChatReport>> {
    Ok(Json(s.store.chat_report(&caller, &q).await?))
}

/// The chat report as CSV (UTF-8 with a byte-order mark, one row per agent, and a
/// total row when it covers every agent), its column names and words in the
/// language `Accept-Language` asks for (English when the server has none of them).
#[utoipa::path(get, path = "/api/v1/reports/chat.csv", tag = "reports", security(("bearer" = [])),
    params(ChatReportQuery, ("Accept-Language" = Option<String>, Header, description = "The languages wanted, most wanted first (`fr-CA, fr;q=0.9, en;q=0.8`); the server has `en` and `fr`")),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 400, body = ApiError), (status = 403, body = ApiError),
        (status = 404, description = "`not_found`: no such agent", body = ApiError)))]
pub async fn chat_report_csv(
    State(s): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<ChatReportQuery>,
) -> Result<Response> {
    let report = s.store.chat_report(&caller, &q).await?;
    let with_total = q.agent_id.is_none() && caller.sees_everything();
    let lang = accepted_language(&headers);
    let csv = reports::to_csv(&report, with_total, lang)?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        reports::csv_file_name(q.from, q.to)
    );
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
    )
        .into_response())
}
