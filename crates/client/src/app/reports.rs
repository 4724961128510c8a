//! The chat report as the app offers it: the agents to pick from, the report,
//! and its CSV export to a file that never overwrites an earlier one.

use super::{unused_path, write_file, App};
use crate::error::Result;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use switchboard_protocol::{AgentId, AgentRef, ChatReport, ChatReportQuery};

impl App {
    /// The agents (supervisors pick whose report to see).
    pub async fn agents(&self) -> Result<Vec<AgentRef>> {
        let list = self.api().await?.agents().await?;
        Ok(list
            .agents
            .into_iter()
            .map(|a| AgentRef {
                id: a.id,
                name: a.name,
            })
            .collect())
    }

    /// The chat report for `[from, to)`: the agent's own, or (supervisors) anyone's
    /// or everyone's.
    pub async fn chat_report(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        agent_id: Option<AgentId>,
    ) -> Result<ChatReport> {
        let q = ChatReportQuery { from, to, agent_id };
        self.api().await?.chat_report(&q).await
    }

    /// Writes the report as CSV into `dir` (column names and words in the app's
    /// language) and returns the file's path.
    pub async fn export_chat_report(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        agent_id: Option<AgentId>,
        dir: &Path,
    ) -> Result<PathBuf> {
        let q = ChatReportQuery { from, to, agent_id };
        let lang = self.settings().lang();
        let bytes = self.api().await?.chat_report_csv(&q, lang.tag()).await?;
        let path = unused_path(
            dir,
            &format!("{}.csv", report_file_stem(from, to, agent_id)),
        );
        write_file(&path, &bytes)?;
        Ok(path)
    }
}

/// `chat-report-2026-11-01-to-2026-11-07[-agent3]`: the range's first and last day
/// on this computer's calendar (the range ends at midnight after its last day).
fn report_file_stem(from: DateTime<Utc>, to: DateTime<Utc>, agent_id: Option<AgentId>) -> String {
    let last = to - chrono::Duration::milliseconds(1);
    let day = |t: DateTime<Utc>| {
        t.with_timezone(&chrono::Local)
            .format("%Y-%m-%d")
            .to_string()
    };
    let who = agent_id.map(|a| format!("-agent{a}")).unwrap_or_default();
    format!("chat-report-{}-to-{}{who}", day(from), day(last.max(from)))
}
