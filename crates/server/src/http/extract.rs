//! Extractors whose every rejection is a `{code, message}` error, and the
//! error's HTTP response.

use crate::error::Error;
use crate::http::AppState;
use crate::store::agents::Caller;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use switchboard_protocol::{ErrorCode, MAX_BODY_BYTES};

tokio::task_local! {
    /// The language the request being answered asks for (Accept-Language).
    static ASKED_LANGUAGE: switchboard_i18n::Lang;
}

/// Answers each request in the language its Accept-Language asks for: errors
/// whose message is a catalog's are said in it (English otherwise).
pub(crate) async fn in_asked_language(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let lang = accepted_language(req.headers());
    ASKED_LANGUAGE.scope(lang, next.run(req)).await
}

impl IntoResponse for Error {
    fn into_response(mut self) -> Response {
        if let Ok(lang) = ASKED_LANGUAGE.try_with(|l| *l) {
            self.body.message = self.message_in(lang);
        }
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self.body)).into_response()
    }
}

impl From<JsonRejection> for Error {
    fn from(r: JsonRejection) -> Error {
        match r {
            _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Error::new(
                ErrorCode::BodyTooLarge,
                format!("the request body exceeds {} KiB", MAX_BODY_BYTES / 1024),
            ),
            JsonRejection::MissingJsonContentType(_) => Error::new(
                ErrorCode::InvalidRequest,
                "send the body as JSON with Content-Type: application/json",
            ),
            JsonRejection::JsonSyntaxError(e) => Error::new(
                ErrorCode::InvalidRequest,
                format!("malformed JSON: {}", e.body_text()),
            ),
            JsonRejection::JsonDataError(e) => Error::new(ErrorCode::InvalidRequest, e.body_text()),
            other => Error::new(ErrorCode::InvalidRequest, other.body_text()),
        }
    }
}

impl From<PathRejection> for Error {
    fn from(r: PathRejection) -> Error {
        Error::new(
            ErrorCode::InvalidRequest,
            format!("bad path: {}", r.body_text()),
        )
    }
}

impl From<QueryRejection> for Error {
    fn from(r: QueryRejection) -> Error {
        Error::new(
            ErrorCode::InvalidRequest,
            format!("bad query: {}", r.body_text()),
        )
    }
}

/// A JSON object (at most 64 KiB, no unknown fields) or a 400. Every request
/// body is an object: serde would also read a struct from an array of its
/// fields in order (`["Title", "x", "Body"]`), which no client means.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<ApiJson<T>, Error> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        if !value.is_object() {
            return Err(Error::new(
                ErrorCode::InvalidRequest,
                "the request body must be a JSON object",
            ));
        }
        serde_json::from_value(value).map(ApiJson).map_err(|e| {
            Error::new(
                ErrorCode::InvalidRequest,
                format!("Failed to deserialize the JSON body into the target type: {e}"),
            )
        })
    }
}

/// Path parameters or a 400.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct ApiPath<T>(pub T);

/// Query parameters or a 400.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct ApiQuery<T>(pub T);

/// A WebSocket upgrade or a 400 (a plain GET, a missing header).
pub struct ApiWebSocket(pub axum::extract::ws::WebSocketUpgrade);

impl<S: Send + Sync> FromRequestParts<S> for ApiWebSocket {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ApiWebSocket, Error> {
        axum::extract::ws::WebSocketUpgrade::from_request_parts(parts, state)
            .await
            .map(ApiWebSocket)
            .map_err(|r| {
                Error::new(
                    ErrorCode::InvalidRequest,
                    format!("open this with a WebSocket upgrade: {}", r.body_text()),
                )
            })
    }
}

/// The `Bearer` token of the Authorization header.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    // The scheme is case-insensitive (RFC 9110).
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, Error> {
        let token = bearer(&parts.headers).ok_or_else(|| {
            Error::new(
                ErrorCode::Unauthorized,
                "sign in: this needs an agent's bearer token",
            )
        })?;
        state.store.authenticate(token).await
    }
}

/// The customer's per-conversation token.
pub struct CustomerToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CustomerToken {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<CustomerToken, Error> {
        bearer(&parts.headers)
            .map(|t| CustomerToken(t.to_string()))
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::Unauthorized,
                    "this needs the conversation's token",
                )
            })
    }
}

/// The language an `Accept-Language` header asks for, among those the server
/// has: tags in the order of their weights (`q=0` refused), `*` and anything
/// unreadable ignored; English when none.
pub(crate) fn accepted_language(headers: &axum::http::HeaderMap) -> switchboard_i18n::Lang {
    let Some(value) = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return switchboard_i18n::Lang::ENGLISH;
    };
    let mut wanted: Vec<(f32, &str)> = value
        .split(',')
        .filter_map(|part| {
            let mut it = part.split(';');
            let tag = it.next()?.trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0 && !tag.is_empty() && tag != "*").then_some((q, tag))
        })
        .collect();
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
    switchboard_i18n::Lang::negotiate(wanted.into_iter().map(|(_, t)| t))
}
