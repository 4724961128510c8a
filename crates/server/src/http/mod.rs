//! The HTTP surface: routes, the OpenAPI document, and serving.

pub mod agent_api;
pub mod attachments_api;
pub mod customer_api;
pub mod extract;
pub mod limits;
pub mod metrics_api;
pub mod page;
pub mod sms_api;
pub mod stream;
pub mod team_api;
pub mod unread;

use crate::error::Error;
use crate::store::Store;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Duration;
use switchboard_protocol::{ErrorCode, MAX_BODY_BYTES};
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub login_limits: Arc<limits::LoginLimits>,
    pub customer_limits: Arc<limits::CustomerLimits>,
    /// Reverse proxies whose X-Forwarded-For names the client.
    pub proxies: Arc<limits::TrustedProxies>,
    /// How often streams send a heartbeat.
    pub heartbeat: Duration,
    /// The SMS provider, when texts are configured.
    pub sms: Option<Arc<crate::sms::SmsConfig>>,
    /// Turns true when the server is shutting down.
    pub stopping: tokio::sync::watch::Receiver<bool>,
    /// The runtime the event streams run on (see `serve`).
    pub streams: tokio::runtime::Handle,
    /// The bearer token `GET /metrics` needs on this address (None: off here).
    pub metrics_token: Option<Arc<str>>,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Switchboard API", description = "Agent and customer APIs of switchboard-server. Every error is {code, message}."),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("an agent's token from /api/v1/auth/login"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "customer_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("the conversation's customer token"))
                    .build(),
            ),
        );
    }
}

/// The routes with their OpenAPI description, collected from the handlers.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(agent_api::login))
        .routes(routes!(agent_api::logout))
        .routes(routes!(agent_api::me))
        .routes(routes!(agent_api::snapshot))
        .routes(routes!(agent_api::archive))
        .routes(routes!(agent_api::conversation))
        .routes(routes!(agent_api::take))
        .routes(routes!(agent_api::reply))
        .routes(routes!(agent_api::note))
        .routes(routes!(agent_api::typing))
        .routes(routes!(attachments_api::agent_upload))
        .routes(routes!(attachments_api::agent_download))
        .routes(routes!(agent_api::free))
        .routes(routes!(agent_api::end))
        .routes(routes!(agent_api::reopen))
        .routes(routes!(agent_api::spam))
        .routes(routes!(agent_api::subjects))
        .routes(routes!(agent_api::agents))
        .routes(routes!(agent_api::blocked))
        .routes(routes!(agent_api::unblock))
        .routes(routes!(agent_api::erase_customer))
        .routes(routes!(team_api::transfer))
        .routes(routes!(team_api::team))
        .routes(routes!(team_api::availability))
        .routes(routes!(team_api::capacity))
        .routes(routes!(team_api::remove_agent))
        .routes(routes!(
            team_api::canned_replies,
            team_api::add_canned_reply
        ))
        .routes(routes!(
            team_api::update_canned_reply,
            team_api::delete_canned_reply
        ))
        .routes(routes!(stream::stream))
        .routes(routes!(customer_api::start))
        .routes(routes!(customer_api::post))
        .routes(routes!(customer_api::read))
        .routes(routes!(customer_api::survey))
        .routes(routes!(customer_api::typing))
        .routes(routes!(customer_api::seen))
        .routes(routes!(customer_api::language))
        .routes(routes!(attachments_api::customer_upload))
        .routes(routes!(attachments_api::customer_download))
        .routes(routes!(customer_api::stream))
        .routes(routes!(agent_api::chat_report))
        .routes(routes!(agent_api::chat_report_csv))
        .routes(routes!(sms_api::twilio_webhook))
        .routes(routes!(attachments_api::sms_media))
        .routes(routes!(metrics_api::metrics))
        .split_for_parts();
    let mut doc = doc;
    declare_shared_answers(&mut doc);
    (router, doc)
}

/// Declares on every operation the error answers that the layers shared by all
/// routes give, so no route can forget them: 401 where a token is required (the
/// `Caller` and customer-token extractors), 400 where a path, query or body is
/// read (the `Api*` extractors' rejections, the body limit), 404 where a path
/// names a resource, 500 everywhere (a fault; nothing was changed). A route's
/// own declaration of the same status, with its description, is kept.
fn declare_shared_answers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ApiError")))
                    .build(),
            )
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            let params = op.parameters.as_deref().unwrap_or_default();
            let in_path = params
                .iter()
                .any(|p| matches!(p.parameter_in, ParameterIn::Path));
            let reads_input = in_path || !params.is_empty() || op.request_body.is_some();
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let mut add = |status: &str, description: &str| {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| error(description).into());
            };
            if reads_input {
                add(
                    "400",
                    "`invalid_request`: the path, query or body is malformed; `invalid_field`, \
                     `message_too_long`, `body_too_large`: a value is not acceptable",
                );
            }
            if secured {
                add("401", "`unauthorized`: no valid token");
            }
            if in_path {
                add("404", "`not_found`: no such resource");
            }
            add(
                "500",
                "`internal`: a fault on the server; nothing was changed",
            );
        }
    }
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

async fn not_found() -> Error {
    Error::not_found("route")
}

async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, Json(serde_json::json!({"status": "ok"})))
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (router, doc) = api();
    let doc = Arc::new(doc);
    let metrics = state.store.metrics.clone();
    let max_file_bytes = state.store.config.attachment_max_bytes;
    router
        .route_layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics_api::track,
        ))
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(doc.as_ref().clone()) }),
        )
        .route("/healthz", get(healthz))
        .merge(page::routes(max_file_bytes))
        .fallback(not_found)
        .method_not_allowed_fallback(|| async {
            let mut e = Error::new(
                ErrorCode::InvalidRequest,
                "this route does not take that method",
            );
            e.status = 405;
            e
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(|_| {
            Error::internal("handler", "panicked").into_response()
        }))
        .layer(axum::middleware::from_fn(extract::in_asked_language))
        .layer(axum::middleware::from_fn(unread::close_if_unread))
        .with_state(state)
}
