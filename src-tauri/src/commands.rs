//! The UI's commands: each is one call into `switchboard_client::App`. Errors
//! reach the UI as `{code, message}`.

use chrono::{DateTime, Utc};
use switchboard_client::cache::{Lists, OutboxItem, SearchHit, Snippet};
use switchboard_client::{
    App, AppSettings, Change, ClientError, ConnectionState, ConversationView, EngineCode,
    LanguageInfo, SessionInfo, Snooze,
};
use switchboard_protocol::{
    AgentRef, Availability, BlockedCustomer, CannedReply, ChatReport, ConversationSummary,
    Customer, Erasure, Mood, SubjectAnswer, Team,
};
use tauri::ipc::Channel;
use tauri::State;
use tauri_plugin_opener::OpenerExt;

type Result<T> = std::result::Result<T, ClientError>;

/// The saved session, restored and syncing; null when nobody is signed in.
#[tauri::command]
#[specta::specta]
pub async fn session_info(app: State<'_, App>) -> Result<Option<SessionInfo>> {
    app.session_info().await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in(
    app: State<'_, App>,
    server: String,
    email: String,
    password: String,
) -> Result<SessionInfo> {
    app.sign_in(&server, &email, &password).await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out(app: State<'_, App>) -> Result<()> {
    app.sign_out().await
}

/// Sends every change to the UI over `channel` (no event permissions needed).
#[tauri::command]
#[specta::specta]
pub async fn changes(app: State<'_, App>, channel: Channel<Change>) -> Result<()> {
    let mut rx = app.subscribe();
    tauri::async_runtime::spawn(async move {
        while let Some(change) = rx.next().await {
            if channel.send(change).is_err() {
                return;
            }
        }
    });
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn lists(app: State<'_, App>) -> Result<Lists> {
    app.lists().await
}

#[tauri::command]
#[specta::specta]
pub async fn archive_rows(
    app: State<'_, App>,
    offset: u32,
    limit: u32,
) -> Result<Vec<ConversationSummary>> {
    app.archive_rows(offset, limit).await
}

#[tauri::command]
#[specta::specta]
pub async fn conversation(app: State<'_, App>, id: i64) -> Result<ConversationView> {
    app.conversation(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn refresh_conversation(app: State<'_, App>, id: i64) -> Result<ConversationView> {
    app.refresh_conversation(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn search(app: State<'_, App>, query: String) -> Result<Vec<SearchHit>> {
    app.search(&query).await
}

#[tauri::command]
#[specta::specta]
pub async fn search_in(
    app: State<'_, App>,
    conversation_id: i64,
    query: String,
) -> Result<Vec<Snippet>> {
    app.search_in(conversation_id, &query).await
}

#[tauri::command]
#[specta::specta]
pub async fn subjects(app: State<'_, App>) -> Result<Vec<String>> {
    app.subjects().await
}

#[tauri::command]
#[specta::specta]
pub async fn take(app: State<'_, App>, id: i64) -> Result<OutboxItem> {
    app.take(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn free(app: State<'_, App>, id: i64) -> Result<OutboxItem> {
    app.free(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn reopen(app: State<'_, App>, id: i64) -> Result<OutboxItem> {
    app.reopen(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn spam(app: State<'_, App>, id: i64) -> Result<OutboxItem> {
    app.spam(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn transfer(
    app: State<'_, App>,
    id: i64,
    to: AgentRef,
    note: Option<String>,
) -> Result<OutboxItem> {
    app.transfer(id, to, note).await
}

#[tauri::command]
#[specta::specta]
pub async fn team(app: State<'_, App>) -> Result<Team> {
    app.team().await
}

#[tauri::command]
#[specta::specta]
pub async fn set_capacity(app: State<'_, App>, agent: i64, capacity: Option<u32>) -> Result<()> {
    app.set_capacity(agent, capacity).await
}

#[tauri::command]
#[specta::specta]
pub async fn blocked_customers(app: State<'_, App>) -> Result<Vec<BlockedCustomer>> {
    app.blocked_customers().await
}

/// The team's canned replies, as last synced (offline too).
#[tauri::command]
#[specta::specta]
pub async fn canned_replies(app: State<'_, App>) -> Result<Vec<CannedReply>> {
    app.canned_replies().await
}

/// A canned reply's text for a conversation, placeholders filled, to edit.
#[tauri::command]
#[specta::specta]
pub async fn canned_text(app: State<'_, App>, conversation: i64, reply: i64) -> Result<String> {
    app.canned_text(conversation, reply).await
}

/// Adds (`id` null) or changes a canned reply (supervisors).
#[tauri::command]
#[specta::specta]
pub async fn save_canned_reply(
    app: State<'_, App>,
    id: Option<i64>,
    title: String,
    shortcut: String,
    body: String,
) -> Result<CannedReply> {
    app.save_canned_reply(id, title, shortcut, body).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_canned_reply(app: State<'_, App>, id: i64) -> Result<()> {
    app.delete_canned_reply(id).await
}

#[tauri::command]
#[specta::specta]
pub async fn erase_customer(app: State<'_, App>, customer: i64) -> Result<Erasure> {
    app.erase_customer(customer).await
}

#[tauri::command]
#[specta::specta]
pub async fn unblock(app: State<'_, App>, customer: i64) -> Result<Customer> {
    app.unblock(customer).await
}

#[tauri::command]
#[specta::specta]
pub async fn availability(app: State<'_, App>) -> Result<Availability> {
    app.availability().await
}

#[tauri::command]
#[specta::specta]
pub async fn set_availability(app: State<'_, App>, availability: Availability) -> Result<()> {
    app.set_availability(availability).await
}

/// The agent is typing a reply: the customer's page shows it.
#[tauri::command]
#[specta::specta]
pub async fn typing(app: State<'_, App>, id: i64) -> Result<()> {
    app.typing(id).await
}

/// Queues an internal note for the team.
#[tauri::command]
#[specta::specta]
pub async fn note(app: State<'_, App>, id: i64, body: String) -> Result<OutboxItem> {
    app.note(id, &body).await
}

#[tauri::command]
#[specta::specta]
pub async fn reply(app: State<'_, App>, id: i64, body: String) -> Result<OutboxItem> {
    app.reply(id, &body).await
}

#[tauri::command]
#[specta::specta]
pub async fn end(
    app: State<'_, App>,
    id: i64,
    subject: SubjectAnswer,
    mood: Mood,
) -> Result<OutboxItem> {
    app.end(id, subject, mood).await
}

#[tauri::command]
#[specta::specta]
pub async fn outbox(app: State<'_, App>) -> Result<Vec<OutboxItem>> {
    app.outbox().await
}

#[tauri::command]
#[specta::specta]
pub async fn dismiss(app: State<'_, App>, seq: i64) -> Result<()> {
    app.dismiss(seq).await
}

#[tauri::command]
#[specta::specta]
pub async fn connection(app: State<'_, App>) -> Result<ConnectionState> {
    Ok(app.connection().await)
}

#[tauri::command]
#[specta::specta]
pub async fn settings(app: State<'_, App>) -> Result<AppSettings> {
    Ok(app.settings())
}

#[tauri::command]
#[specta::specta]
pub async fn set_settings(app: State<'_, App>, settings: AppSettings) -> Result<()> {
    app.set_settings(settings).await
}

/// The language shown, the OS's, and the choices.
#[tauri::command]
#[specta::specta]
pub async fn language(app: State<'_, App>) -> Result<LanguageInfo> {
    Ok(app.language())
}

/// Snoozes notifications for a while (or resumes them); the settings as now.
#[tauri::command]
#[specta::specta]
pub async fn snooze(app: State<'_, App>, choice: Snooze) -> Result<AppSettings> {
    app.snooze(choice).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_view(app: State<'_, App>, focused: bool, conversation: Option<i64>) -> Result<()> {
    app.set_view(focused, conversation).await
}

#[tauri::command]
#[specta::specta]
pub async fn agents(app: State<'_, App>) -> Result<Vec<AgentRef>> {
    app.agents().await
}

#[tauri::command]
#[specta::specta]
pub async fn chat_report(
    app: State<'_, App>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    agent_id: Option<i64>,
) -> Result<ChatReport> {
    app.chat_report(from, to, agent_id).await
}

/// Writes the report's CSV into the Downloads folder and returns its path.
#[tauri::command]
#[specta::specta]
pub async fn export_chat_report(
    app: State<'_, App>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    agent_id: Option<i64>,
) -> Result<String> {
    let dir = crate::downloads_dir();
    let path = app.export_chat_report(from, to, agent_id, &dir).await?;
    Ok(path.display().to_string())
}

/// Opens a link from a message in the system browser: http, https and mailto only.
#[tauri::command]
#[specta::specta]
pub async fn open_link(app: State<'_, App>, handle: tauri::AppHandle, url: String) -> Result<()> {
    let url = app.openable_link(&url)?;
    handle
        .opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| ClientError::new(EngineCode::Desktop, e.to_string()))
}
