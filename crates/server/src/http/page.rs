//! The customers' chat page, built into the binary: no external assets, so it
//! works on a closed network. Served with a strict Content-Security-Policy: the
//! page's own script and style only, and connections back to this server.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

const INDEX: &str = include_str!("../../assets/chat/index.html");
const SCRIPT: &str = include_str!("../../assets/chat/app.js");
const STYLE: &str = include_str!("../../assets/chat/app.css");

/// The policy every page response carries.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            // Revalidate, so a server upgrade reaches open pages on their next load.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// `/chat` and its script and style.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/chat",
            get(|| async { asset("text/html; charset=utf-8", INDEX) }),
        )
        .route(
            "/chat/",
            get(|| async { asset("text/html; charset=utf-8", INDEX) }),
        )
        .route(
            "/chat/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/chat/app.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
}
