//! The agent's settings as the app keeps them: saved in the data directory,
//! snoozes that end on their own, starting at login through the shell.

use super::{write_file, App, AppSettings, Desktop};
use crate::error::{ClientError, EngineCode, ErrorCode, Result};
use crate::Change;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;
use switchboard_i18n::tr;

/// How long to snooze notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Snooze {
    HalfHour,
    Hour,
    /// Until 08:00 tomorrow, on this computer's clock.
    UntilTomorrow,
    /// Notifications again now.
    Off,
}

/// The hour of the morning a snooze "until tomorrow" ends.
pub const MORNING_HOUR: u32 = 8;

/// When a snooze chosen at `now` ends (None: it is off).
pub fn snooze_end<Tz: chrono::TimeZone>(
    choice: Snooze,
    now: DateTime<Tz>,
) -> Option<DateTime<Utc>> {
    let utc = now.with_timezone(&Utc);
    match choice {
        Snooze::HalfHour => Some(utc + chrono::Duration::minutes(30)),
        Snooze::Hour => Some(utc + chrono::Duration::hours(1)),
        Snooze::Off => None,
        Snooze::UntilTomorrow => {
            let tz = now.timezone();
            let morning =
                (now.date_naive() + chrono::Days::new(1)).and_hms_opt(MORNING_HOUR, 0, 0)?;
            // A clock change at that hour: the first moment the clock shows it, or
            // an hour later when it skips it.
            let at = tz.from_local_datetime(&morning).earliest().or_else(|| {
                tz.from_local_datetime(&(morning + chrono::Duration::hours(1)))
                    .earliest()
            })?;
            Some(at.with_timezone(&Utc))
        }
    }
}

impl AppSettings {
    /// Why notifications are quiet, for the tray ("Notifications snoozed until
    /// 14:30"); None when they are on. Times on the clock of `now`.
    pub fn quiet_status<Tz: chrono::TimeZone>(&self, now: DateTime<Tz>) -> Option<String>
    where
        Tz::Offset: std::fmt::Display,
    {
        let lang = self.lang();
        if self.do_not_disturb {
            return Some(tr!(lang, "quiet-dnd"));
        }
        let until = self
            .snoozed_until
            .filter(|t| *t > now.with_timezone(&Utc))?
            .with_timezone(&now.timezone());
        let days = (until.date_naive() - now.date_naive()).num_days();
        let time = until.format("%H:%M").to_string();
        let when = match days {
            0 => time,
            1 => tr!(lang, "quiet-tomorrow", time = time),
            _ => {
                let locale = lang.text("chrono-locale");
                let locale =
                    chrono::Locale::try_from(locale.as_str()).unwrap_or(chrono::Locale::en_US);
                until
                    .format_localized(&lang.text("quiet-later-format"), locale)
                    .to_string()
            }
        };
        Some(tr!(lang, "quiet-snoozed", when = when))
    }
}

impl App {
    pub(super) fn settings_path(&self) -> PathBuf {
        self.accounts.root().join("settings.json")
    }

    /// The saved settings (defaults when none or unreadable); a snooze that has
    /// ended reads as none.
    pub fn settings(&self) -> AppSettings {
        load_settings(&self.settings_path())
    }

    /// Snoozes notifications (or ends the snooze): saved, applied to the running
    /// engine, and told to every listener (the window, the tray). Waiting
    /// customers are still counted; those who start waiting meanwhile are shown
    /// when it ends.
    pub async fn snooze(&self, choice: Snooze) -> Result<AppSettings> {
        let mut settings = self.settings();
        settings.snoozed_until = snooze_end(choice, chrono::Local::now());
        self.save_settings(&settings).await?;
        Ok(settings)
    }

    /// Tells the listeners when the snooze in `settings` ends (the engine's
    /// policy ends it by itself), replacing any earlier watch.
    pub(super) fn watch_snooze(&self, settings: &AppSettings) {
        let mut watch = self.snooze_watch.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = watch.take() {
            old.abort();
        }
        let Some(until) = settings.snoozed_until else {
            return;
        };
        let changes = self.changes.clone();
        // The wall clock is read again every few seconds: a computer asleep
        // through the end still wakes to notifications.
        *watch = Some(tokio::spawn(async move {
            while Utc::now() < until {
                let left = (until - Utc::now()).to_std().unwrap_or_default();
                tokio::time::sleep(left.min(Duration::from_secs(5))).await;
            }
            let _ = changes.send(Change::Settings);
        }));
    }

    /// Writes the settings, applies them to the engine and tells the listeners.
    pub(super) async fn save_settings(&self, settings: &AppSettings) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(settings)?;
        write_file(&self.settings_path(), &bytes)?;
        self.speaks.set(settings.lang());
        if let Ok(engine) = self.engine().await {
            engine.set_notification_settings(settings.policy());
            engine.set_file_cache_bytes(mib(settings.file_cache_mib));
            if let Err(e) = engine.set_archive_months(settings.archive_months) {
                tracing::warn!("archive cap: {e}");
            }
        }
        self.watch_snooze(settings);
        let _ = self.changes.send(Change::Settings);
        Ok(())
    }

    /// Gives the app the shell's hands on the OS (once, at start), and makes the
    /// OS agree with the saved settings (an entry removed by hand comes back; one
    /// left by an uninstalled copy goes).
    pub fn set_desktop(&self, desktop: Box<dyn Desktop>) {
        if self.desktop.set(desktop).is_err() {
            return;
        }
        if let Err(e) = self.apply_start_at_login(self.settings().start_at_login) {
            tracing::warn!("{e}");
        }
    }

    fn apply_start_at_login(&self, on: bool) -> Result<()> {
        let Some(desktop) = self.desktop.get() else {
            return Ok(());
        };
        let refused = |e: String| {
            ClientError::new(
                EngineCode::Desktop,
                format!("cannot change starting at login: {e}"),
            )
        };
        if desktop.starts_at_login().map_err(refused)? != on {
            desktop.start_at_login(on).map_err(refused)?;
        }
        Ok(())
    }

    /// Saves the settings and applies them to the running engine and the OS.
    /// When the OS refuses, nothing is saved. The snooze is kept as it is (only
    /// [`App::snooze`] changes it, so a window with older settings cannot undo
    /// one set from the tray).
    pub async fn set_settings(&self, mut settings: AppSettings) -> Result<()> {
        if settings.reminder_minutes.is_some_and(|m| m > 24 * 60) {
            return Err(ClientError::new(
                ErrorCode::InvalidField,
                tr!(self.speaks.lang(), "engine-reminder-range"),
            ));
        }
        if settings
            .away_when_idle_secs
            .is_some_and(|s| s == 0 || s > 24 * 3600)
        {
            return Err(ClientError::new(
                ErrorCode::InvalidField,
                tr!(self.speaks.lang(), "engine-idle-range"),
            ));
        }
        if !(MIN_FILE_CACHE_MIB..=MAX_FILE_CACHE_MIB).contains(&settings.file_cache_mib) {
            return Err(ClientError::new(
                ErrorCode::InvalidField,
                tr!(
                    self.speaks.lang(),
                    "engine-file-cache-range",
                    min = MIN_FILE_CACHE_MIB,
                    max = MAX_FILE_CACHE_MIB
                ),
            ));
        }
        if settings
            .archive_months
            .is_some_and(|m| !(1..=MAX_ARCHIVE_MONTHS).contains(&m))
        {
            return Err(ClientError::new(
                ErrorCode::InvalidField,
                tr!(
                    self.speaks.lang(),
                    "engine-archive-months-range",
                    max = MAX_ARCHIVE_MONTHS
                ),
            ));
        }
        self.apply_start_at_login(settings.start_at_login)?;
        settings.snoozed_until = self.settings().snoozed_until;
        self.save_settings(&settings).await
    }
}

/// The longest [`AppSettings::archive_months`] (ten years).
pub const MAX_ARCHIVE_MONTHS: u32 = 120;

/// The range of [`AppSettings::file_cache_mib`].
pub const MIN_FILE_CACHE_MIB: u32 = 10;
pub const MAX_FILE_CACHE_MIB: u32 = 100 * 1024;

/// Bytes in `n` MiB.
pub(super) fn mib(n: u32) -> u64 {
    u64::from(n) * 1024 * 1024
}

/// The settings saved at `path` (see [`App::settings`]).
pub(super) fn load_settings(path: &Path) -> AppSettings {
    let mut s: AppSettings = std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    if s.snoozed_until.is_some_and(|t| t <= Utc::now()) {
        s.snoozed_until = None;
    }
    s
}
