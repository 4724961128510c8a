//! Attachments over HTTP: uploads as the raw request body (the name in the
//! query), downloads with their sniffed type, `nosniff`, a sandboxing CSP, and
//! inline only for PNG, JPEG, GIF and WebP (everything else downloads).

use crate::error::{Error, Result};
use crate::http::agent_api::detached;
use crate::http::extract::{ApiPath, ApiQuery, CustomerToken};
use crate::http::AppState;
use crate::store::agents::Caller;
use crate::store::blocks::attachments::Content;
use crate::store::rules::inline;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use switchboard_protocol::{
    ApiError, AttachmentGet, AttachmentQuery, CustomerMessageResponse, CustomerUploadQuery,
    ErrorCode, Message,
};
use uuid::Uuid;

/// The request body, refused past the server's attachment limit.
async fn file(s: &AppState, body: Body) -> Result<Vec<u8>> {
    let max = s.store.config.attachment_max_bytes;
    axum::body::to_bytes(body, max)
        .await
        .map(|b| b.to_vec())
        .map_err(|_| {
            Error::new(
                ErrorCode::BodyTooLarge,
                format!("a file may have at most {} MiB", max / (1024 * 1024)),
            )
        })
}

/// `name` for a `Content-Disposition` header: an ASCII fallback and the UTF-8
/// name percent-encoded (RFC 6266 / 8187).
fn disposition(kind: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " .-_()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A stored file as a response.
pub(crate) fn serve(c: Content) -> Response {
    let kind = if inline(&c.content_type) {
        "inline"
    } else {
        "attachment"
    };
    let mut r = (StatusCode::OK, c.bytes).into_response();
    let h = r.headers_mut();
    let typed = HeaderValue::from_str(&c.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, typed);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition(kind, &c.name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// Attach a file (the occupant): a reply that carries it, once per `op_id`.
/// The body is the file as it is; its type is sniffed from the content.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/attachments", tag = "attachments", security(("bearer" = [])),
    params(("id" = i64, Path), AttachmentQuery, ("op_id" = Uuid, Query, description = "Makes a retry answer as the first time")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Message),
        (status = 400, description = "`invalid_field`: an empty file or a bad name; `body_too_large`: over the server's limit (`serve --attachment-max-mib`, 10 by default)", body = ApiError),
        (status = 401, body = ApiError), (status = 404, body = ApiError),
        (status = 409, description = "`not_occupant`, `invalid_state` (also: a customer who writes by text), `op_id_reused`", body = ApiError)))]
pub async fn agent_upload(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AgentUpload>,
    body: Body,
) -> Result<(StatusCode, Json<Message>)> {
    let bytes = file(&s, body).await?;
    let message = detached(async move {
        s.store
            .agent_attach(&caller, id, q.op_id, &q.name, bytes)
            .await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// The agent upload's query: the name and the op id.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentUpload {
    name: String,
    op_id: Uuid,
}

/// Attach a file (the customer): a line of theirs that carries it.
#[utoipa::path(post, path = "/api/v1/customer/conversations/{id}/attachments", tag = "attachments",
    params(("id" = i64, Path), CustomerUploadQuery), security(("customer_token" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = CustomerMessageResponse),
        (status = 400, description = "`invalid_field`: an empty file or a bad name; `body_too_large`: over the server's limit", body = ApiError),
        (status = 401, body = ApiError),
        (status = 403, description = "`forbidden`: another conversation's token, or a blocked customer", body = ApiError),
        (status = 409, description = "`invalid_state`: the conversation has ended; `op_id_reused`: this `client_id` came with another file", body = ApiError),
        (status = 429, body = ApiError)))]
pub async fn customer_upload(
    State(s): State<AppState>,
    CustomerToken(token): CustomerToken,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<CustomerUploadQuery>,
    body: Body,
) -> Result<(StatusCode, Json<CustomerMessageResponse>)> {
    s.customer_limits.message(id).await?;
    let bytes = file(&s, body).await?;
    let posted = detached(async move {
        s.store
            .customer_attach(id, &token, &q.name, bytes, q.client_id)
            .await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(posted)))
}

/// An attachment's content, or its thumbnail (agents who may read the conversation).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "attachments", security(("bearer" = [])),
    params(("id" = i64, Path), AttachmentGet),
    responses((status = 200, description = "The file, with its sniffed type", content_type = "*/*", body = Vec<u8>),
        (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn agent_download(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AttachmentGet>,
) -> Result<Response> {
    let thumb = q.thumbnail.unwrap_or(false);
    Ok(serve(s.store.agent_download(&caller, id, thumb).await?))
}

/// An attachment of this conversation, or its thumbnail (its customer).
#[utoipa::path(get, path = "/api/v1/customer/conversations/{id}/attachments/{attachment}", tag = "attachments",
    params(("id" = i64, Path), ("attachment" = i64, Path), AttachmentGet), security(("customer_token" = [])),
    responses((status = 200, description = "The file, with its sniffed type", content_type = "*/*", body = Vec<u8>),
        (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn customer_download(
    State(s): State<AppState>,
    CustomerToken(token): CustomerToken,
    ApiPath((id, attachment)): ApiPath<(i64, i64)>,
    ApiQuery(q): ApiQuery<AttachmentGet>,
) -> Result<Response> {
    let thumb = q.thumbnail.unwrap_or(false);
    Ok(serve(
        s.store
            .customer_download(id, &token, attachment, thumb)
            .await?,
    ))
}

/// A file texted to a customer (MMS), for the SMS provider to fetch: the
/// unguessable token in the address is the key (the provider cannot sign in),
/// valid for seven days after the text was queued.
#[utoipa::path(get, path = "/api/v1/sms/media/{token}", tag = "sms",
    params(("token" = String, Path, description = "The text's media token (64 hex digits)")),
    responses((status = 200, description = "The file, with its sniffed type", content_type = "*/*", body = Vec<u8>),
        (status = 404, description = "`not_found`: no such token, or it has expired", body = ApiError)))]
pub async fn sms_media(
    State(s): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response> {
    Ok(serve(s.store.sms_media(&token).await?))
}
