//! `GET /metrics` for Prometheus, and the latency of every request by route.
//!
//! Guarded two ways (see docs/deployment.md): on the main address it needs
//! `Authorization: Bearer <--metrics-token>`; with `--metrics-listen` a second
//! address (a private interface) serves it without a token. With neither it
//! answers 404.

use crate::error::{Error, Result};
use crate::http::extract::bearer;
use crate::http::AppState;
use crate::metrics::Metrics;
use crate::store::Store;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use switchboard_protocol::ErrorCode;

/// Records each request's latency under its route template, written
/// `/api/v1/conversations/:id/take` (braces in label values trip up simple
/// scrapers and tools).
pub async fn track(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or_else(
        || "unmatched".to_owned(),
        |p| p.as_str().replace('{', ":").replace('}', ""),
    );
    let method = req.method().as_str().to_owned();
    let started = std::time::Instant::now();
    let response = next.run(req).await;
    metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

async fn exposition(store: &Store) -> Result<Response> {
    let text = store.metrics.render(&store.db).await?;
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}

/// Metrics in the Prometheus text format (needs `--metrics-token`; see the description).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    description = "Prometheus text format. Needs `Authorization: Bearer` with the server's `--metrics-token` (not an agent's token); with `--metrics-listen` it is also served, without a token, on that address only. Off (404) when neither is set.",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain"),
        (status = 401, description = "`unauthorized`: not the metrics token", body = switchboard_protocol::ApiError),
        (status = 404, description = "`not_found`: metrics are off on this address", body = switchboard_protocol::ApiError)))]
pub async fn metrics(State(s): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let Some(expected) = &s.metrics_token else {
        return Err(Error::new(
            ErrorCode::NotFound,
            "metrics are off on this address: start the server with --metrics-token or --metrics-listen",
        ));
    };
    let given = bearer(&headers).unwrap_or_default();
    // Compared as digests: the time taken says nothing about the token.
    if Sha256::digest(given.as_bytes()) != Sha256::digest(expected.as_bytes()) {
        return Err(Error::new(
            ErrorCode::Unauthorized,
            "GET /metrics needs Authorization: Bearer with the server's metrics token",
        ));
    }
    exposition(&s.store).await
}

/// The router of `--metrics-listen`: `/metrics` without a token, nothing else.
pub fn private_router(store: Store) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(store): State<Store>| async move { exposition(&store).await }),
        )
        .fallback(|| async { Error::not_found("route") })
        .with_state(store)
}
