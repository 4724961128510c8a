//! Files between the window and the engine: the system's file chooser (only
//! what the agent chose is read; GTK's on Linux, rfd's through Tauri's plugin
//! on Windows and macOS), a paste or a drop sent as the request's raw
//! bytes (not as a JSON array of numbers), attachments saved to Downloads, and
//! the `attachment:` protocol the window's images load from (the four image
//! types only, from the offline cache or the server).

use switchboard_client::cache::OutboxItem;
use switchboard_client::{App, ClientError, ErrorCode};
use tauri::http::{header, Response, StatusCode};
use tauri::ipc::{InvokeBody, Request};
use tauri::{Manager, Runtime, State, UriSchemeContext, UriSchemeResponder};

type Result<T> = std::result::Result<T, ClientError>;

/// The protocol's name: `attachment://localhost/<id>[/thumbnail]`
/// (`http://attachment.localhost/…` on Windows).
pub const PROTOCOL: &str = "attachment";

/// The chooser's words in the app's language (the e2e test finds its window
/// by the title, "Attach files" in English).
struct Words {
    title: String,
    #[cfg_attr(any(windows, target_os = "macos"), allow(dead_code))]
    accept: String,
    #[cfg_attr(any(windows, target_os = "macos"), allow(dead_code))]
    cancel: String,
}

impl Words {
    fn of(app: &App) -> Words {
        let lang = app.settings().lang();
        Words {
            title: lang.text("chooser-title"),
            accept: lang.text("chooser-accept"),
            cancel: lang.text("chooser-cancel"),
        }
    }
}

/// Opens the system's file chooser over the window and queues the chosen files
/// for the customer; none when the agent cancels.
#[tauri::command]
#[specta::specta]
pub async fn choose_files<R: Runtime>(
    window: tauri::Window<R>,
    app: State<'_, App>,
    id: i64,
) -> Result<Vec<OutboxItem>> {
    match pick(&window, Words::of(&app)).await {
        Some(paths) => app.attach_paths(id, &paths).await,
        None => Ok(Vec::new()),
    }
}

/// The files the agent picks (None: cancelled): rfd's native dialog through
/// Tauri's plugin.
#[cfg(any(windows, target_os = "macos"))]
async fn pick<R: Runtime>(
    window: &tauri::Window<R>,
    words: Words,
) -> Option<Vec<std::path::PathBuf>> {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    window
        .dialog()
        .file()
        .set_parent(window)
        .set_title(&words.title)
        .pick_files(move |chosen| {
            let _ = tx.send(chosen);
        });
    let chosen = rx.await.ok().flatten()?;
    Some(
        chosen
            .into_iter()
            .filter_map(|p| p.into_path().ok())
            .collect(),
    )
}

#[cfg(all(unix, not(target_os = "macos")))]
thread_local! {
    /// The chooser while it is open: GtkFileChooserNative is not a widget, so
    /// the app holds it until it answers.
    static CHOOSER: std::cell::RefCell<Option<gtk::FileChooserNative>> =
        const { std::cell::RefCell::new(None) };
}

/// The files the agent picks (None: cancelled): GTK's own chooser (the
/// desktop portal where there is one), made and answered on the main thread.
#[cfg(all(unix, not(target_os = "macos")))]
async fn pick<R: Runtime>(
    window: &tauri::Window<R>,
    words: Words,
) -> Option<Vec<std::path::PathBuf>> {
    use gtk::prelude::*;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let parent = window.clone();
    window
        .run_on_main_thread(move || {
            let owner = parent.gtk_window().ok();
            let dialog = gtk::FileChooserNative::new(
                Some(words.title.as_str()),
                owner.as_ref(),
                gtk::FileChooserAction::Open,
                Some(words.accept.as_str()),
                Some(words.cancel.as_str()),
            );
            dialog.set_select_multiple(true);
            dialog.set_modal(true);
            let answer = std::cell::Cell::new(Some(tx));
            dialog.connect_response(move |d, response| {
                let chosen = (response == gtk::ResponseType::Accept).then(|| d.filenames());
                if let Some(tx) = answer.take() {
                    let _ = tx.send(chosen);
                }
                CHOOSER.with(|c| c.borrow_mut().take());
            });
            dialog.show();
            CHOOSER.with(|c| *c.borrow_mut() = Some(dialog));
        })
        .ok()?;
    rx.await.ok().flatten()
}

/// A header of the raw request, percent-decoded.
fn header_text(request: &Request<'_>, name: &str) -> Result<String> {
    let raw = request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ClientError::new(ErrorCode::InvalidRequest, format!("no {name} header")))?;
    percent_decode(raw)
        .ok_or_else(|| ClientError::new(ErrorCode::InvalidRequest, format!("a bad {name} header")))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Queues a pasted or dropped file: the body is its bytes, the headers
/// `x-conversation` and `x-file-name` (percent-encoded) say where and what.
/// Not in the typed bindings (they carry JSON only): `ui/src/lib/files.ts` calls it.
#[tauri::command]
pub async fn attach_file(app: State<'_, App>, request: Request<'_>) -> Result<OutboxItem> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(ClientError::new(
            ErrorCode::InvalidRequest,
            "send the file as the request's raw bytes",
        ));
    };
    let id: i64 = header_text(&request, "x-conversation")?
        .parse()
        .map_err(|_| ClientError::new(ErrorCode::InvalidRequest, "a bad x-conversation header"))?;
    let name = header_text(&request, "x-file-name")?;
    app.attach(id, &name, bytes).await
}

/// Saves an attachment into the Downloads folder under its name; where it went.
#[tauri::command]
#[specta::specta]
pub async fn save_attachment(app: State<'_, App>, id: i64, name: String) -> Result<String> {
    let path = app
        .save_attachment(id, &name, &crate::downloads_dir())
        .await?;
    Ok(path.display().to_string())
}

/// `/<id>` or `/<id>/thumbnail`.
fn parse_path(path: &str) -> Option<(i64, bool)> {
    let mut parts = path.trim_start_matches('/').split('/');
    let id = parts.next()?.parse().ok()?;
    let thumbnail = match parts.next() {
        None => false,
        Some("thumbnail") => true,
        Some(_) => return None,
    };
    parts.next().is_none().then_some((id, thumbnail))
}

fn refused(status: StatusCode, why: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(why.as_bytes().to_vec())
        .unwrap_or_default()
}

/// Serves `attachment:` to the main window: an image from the engine (the
/// offline cache first), with its sniffed type and `nosniff`; anything else
/// is refused, so a file never opens as a page.
pub fn protocol<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: tauri::http::Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    if ctx.webview_label() != "main" {
        responder.respond(refused(StatusCode::FORBIDDEN, "not this window's"));
        return;
    }
    let Some((id, thumbnail)) = parse_path(request.uri().path()) else {
        responder.respond(refused(StatusCode::NOT_FOUND, "no such attachment"));
        return;
    };
    let handle = ctx.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        let app = handle.state::<App>();
        let response = match app.image(id, thumbnail).await {
            Ok(file) => Response::builder()
                .header(header::CONTENT_TYPE, file.content_type)
                .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
                .header(header::CACHE_CONTROL, "private, max-age=86400")
                .body(file.bytes)
                .unwrap_or_default(),
            Err(e) if e.code == ErrorCode::InvalidField => {
                refused(StatusCode::FORBIDDEN, &e.message)
            }
            Err(e) => refused(StatusCode::NOT_FOUND, &e.message),
        };
        responder.respond(response);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_paths_and_headers_parse() {
        assert_eq!(parse_path("/12"), Some((12, false)));
        assert_eq!(parse_path("/12/thumbnail"), Some((12, true)));
        assert_eq!(parse_path("/12/other"), None);
        assert_eq!(parse_path("/12/thumbnail/x"), None);
        assert_eq!(parse_path("/x"), None);
        assert_eq!(
            percent_decode("Sk%C3%A4rm%20bild.png").as_deref(),
            Some("Skärm bild.png")
        );
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%C3"), None);
    }
}
