//! Away when the agent is not at the desk: how long since the last keyboard or
//! mouse input anywhere on the desktop (not only in the app's window: an agent
//! looking something up in a browser is at work), read from the OS, and the
//! rule that turns it into availability.
//!
//! The OS's clock: the X server's screen-saver extension (x11rb, no C library)
//! or GNOME's idle monitor over D-Bus (Wayland) on Linux, `GetLastInputInfo` on
//! Windows, Quartz event sources on macOS. Where none answers, the setting does
//! nothing and the log says why once.

use std::time::Duration;
use switchboard_protocol::Availability;

/// The rule. Away after `after` without input, but only from available: an
/// agent who chose away keeps it. Back to available at the first input, but
/// only if away was this rule's doing; an agent who picks their availability
/// by hand meanwhile ([`IdleAway::chosen`]) takes over.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct IdleAway {
    /// Away was set by this rule and not changed by hand since.
    auto: bool,
}

impl IdleAway {
    /// What to become now, given the setting (`after`, None when off), the time
    /// since the last input and the availability as last synced.
    pub fn step(
        &mut self,
        after: Option<Duration>,
        idle: Duration,
        now: Availability,
    ) -> Option<Availability> {
        if self.auto {
            // Input since (or the setting turned off): back, unless the agent
            // meanwhile became available some other way.
            if after.is_none_or(|a| idle < a) {
                self.auto = false;
                return (now == Availability::Away).then_some(Availability::Available);
            }
            return None;
        }
        match after {
            Some(a) if idle >= a && now == Availability::Available => {
                self.auto = true;
                Some(Availability::Away)
            }
            _ => None,
        }
    }

    /// The change [`IdleAway::step`] asked for did not reach the server: try
    /// again at the next reading.
    pub fn failed(&mut self, tried: Availability) {
        self.auto = tried == Availability::Available;
    }

    /// The agent chose their availability by hand: it is theirs to keep.
    pub fn chosen(&mut self) {
        self.auto = false;
    }

    /// Whether the agent is away by this rule.
    pub fn auto(&self) -> bool {
        self.auto
    }

    /// How long until the next reading: soon enough to notice the limit within a
    /// quarter of it, and the return within two seconds.
    pub fn interval(&self, after: Option<Duration>) -> Duration {
        if self.auto {
            return Duration::from_secs(2);
        }
        after.map_or(Duration::from_secs(15), |a| {
            (a / 4).clamp(Duration::from_secs(1), Duration::from_secs(15))
        })
    }
}

/// The OS's time since the last input at the desktop.
pub struct IdleClock {
    source: Option<Source>,
    tried: bool,
}

enum Source {
    #[cfg(all(unix, not(target_os = "macos")))]
    X11(std::sync::Arc<x11rb::rust_connection::RustConnection>, u32),
    #[cfg(all(unix, not(target_os = "macos")))]
    Mutter(zbus::Connection),
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    System,
}

impl Default for IdleClock {
    fn default() -> Self {
        IdleClock::new()
    }
}

impl IdleClock {
    /// The desktop's clock, opened at the first reading.
    pub fn new() -> IdleClock {
        IdleClock {
            source: None,
            tried: false,
        }
    }

    /// The time since the last keyboard or mouse input; None where the desktop
    /// does not say.
    pub async fn idle(&mut self) -> Option<Duration> {
        if !self.tried {
            self.tried = true;
            self.source = Source::open().await;
            if self.source.is_none() {
                tracing::warn!(
                    "this desktop does not tell how long it has been without input: \
                     'away when idle' does nothing"
                );
            }
        }
        let idle = self.source.as_ref()?.read().await;
        if idle.is_none() {
            // Gone (the X server or the bus restarted): look again next time.
            self.source = None;
            self.tried = false;
        }
        idle
    }
}

impl Source {
    #[cfg(all(unix, not(target_os = "macos")))]
    async fn open() -> Option<Source> {
        // Under Wayland the X server (Xwayland) sees only its own clients' input.
        let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some();
        if wayland {
            if let Some(s) = Source::mutter().await {
                return Some(s);
            }
        }
        if let Some(s) = Source::x11().await {
            return Some(s);
        }
        if wayland {
            return None;
        }
        Source::mutter().await
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    async fn x11() -> Option<Source> {
        std::env::var_os("DISPLAY")?;
        let opened = tokio::task::spawn_blocking(|| {
            use x11rb::connection::Connection as _;
            let (conn, screen) = x11rb::connect(None).ok()?;
            let root = conn.setup().roots.get(screen)?.root;
            let source = Source::X11(std::sync::Arc::new(conn), root);
            Some(source)
        })
        .await
        .ok()??;
        // The extension answers, or this source is none.
        opened.read().await.map(|_| opened)
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    async fn mutter() -> Option<Source> {
        let conn = zbus::Connection::session().await.ok()?;
        let source = Source::Mutter(conn);
        source.read().await.map(|_| source)
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    async fn read(&self) -> Option<Duration> {
        match self {
            Source::X11(conn, root) => {
                use x11rb::protocol::screensaver::ConnectionExt as _;
                let (conn, root) = (conn.clone(), *root);
                let ms = tokio::task::spawn_blocking(move || {
                    let info = conn.screensaver_query_info(root).ok()?.reply().ok()?;
                    Some(info.ms_since_user_input)
                })
                .await
                .ok()??;
                Some(Duration::from_millis(ms.into()))
            }
            Source::Mutter(conn) => {
                let reply = conn
                    .call_method(
                        Some("org.gnome.Mutter.IdleMonitor"),
                        "/org/gnome/Mutter/IdleMonitor/Core",
                        Some("org.gnome.Mutter.IdleMonitor"),
                        "GetIdletime",
                        &(),
                    )
                    .await
                    .ok()?;
                let ms: u64 = reply.body().deserialize().ok()?;
                Some(Duration::from_millis(ms))
            }
        }
    }

    #[cfg(any(target_os = "windows", target_os = "macos"))]
    async fn open() -> Option<Source> {
        Source::System.read().await.map(|_| Source::System)
    }

    #[cfg(target_os = "windows")]
    async fn read(&self) -> Option<Duration> {
        use windows::Win32::System::SystemInformation::GetTickCount;
        use windows::Win32::UI::Input::KeyboardAndMouse::{GetLastInputInfo, LASTINPUTINFO};
        let mut info = LASTINPUTINFO {
            cbSize: std::mem::size_of::<LASTINPUTINFO>() as u32,
            dwTime: 0,
        };
        // SAFETY: `info` is a LASTINPUTINFO with its size set, as the call requires.
        if !unsafe { GetLastInputInfo(&mut info) }.as_bool() {
            return None;
        }
        // Both are milliseconds since boot, wrapping every 49.7 days.
        // SAFETY: no arguments, no preconditions.
        let now = unsafe { GetTickCount() };
        Some(Duration::from_millis(now.wrapping_sub(info.dwTime).into()))
    }

    #[cfg(target_os = "macos")]
    async fn read(&self) -> Option<Duration> {
        use objc2_core_graphics::{CGEventSource, CGEventSourceStateID, CGEventType};
        // kCGAnyInputEventType is ~0: keyboard, mouse or tablet.
        let secs = CGEventSource::seconds_since_last_event_type(
            CGEventSourceStateID::CombinedSessionState,
            CGEventType(u32::MAX),
        );
        Duration::try_from_secs_f64(secs).ok()
    }

    #[cfg(not(any(unix, target_os = "windows")))]
    async fn open() -> Option<Source> {
        None
    }

    #[cfg(not(any(unix, target_os = "windows")))]
    async fn read(&self) -> Option<Duration> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Availability::{Available, Away};

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn away_after_the_limit_and_back_at_the_first_input() {
        let mut rule = IdleAway::default();
        let after = Some(10 * MIN);
        assert_eq!(rule.step(after, 9 * MIN, Available), None);
        assert_eq!(rule.step(after, 10 * MIN, Available), Some(Away));
        // The stream has not brought the change back yet: nothing twice.
        assert_eq!(rule.step(after, 10 * MIN, Available), None);
        assert_eq!(rule.step(after, 11 * MIN, Away), None);
        assert!(rule.auto());
        assert_eq!(
            rule.step(after, Duration::from_millis(300), Away),
            Some(Available)
        );
        assert!(!rule.auto());
        assert_eq!(rule.step(after, Duration::from_secs(1), Available), None);
    }

    #[test]
    fn an_agent_who_chose_away_stays_away() {
        let mut rule = IdleAway::default();
        let after = Some(5 * MIN);
        // Away by hand, then idle and back: never touched.
        assert_eq!(rule.step(after, 30 * MIN, Away), None);
        assert_eq!(rule.step(after, Duration::ZERO, Away), None);
        // Away by the rule, then the agent picks away by hand (a click is input):
        // it stays away.
        assert_eq!(rule.step(after, 6 * MIN, Available), Some(Away));
        rule.chosen();
        assert_eq!(rule.step(after, Duration::ZERO, Away), None);
    }

    #[test]
    fn available_by_hand_meanwhile_is_not_set_again() {
        let mut rule = IdleAway::default();
        let after = Some(MIN);
        assert_eq!(rule.step(after, 2 * MIN, Available), Some(Away));
        // From the tray on another machine, say: already available.
        assert_eq!(rule.step(after, Duration::ZERO, Available), None);
        assert!(!rule.auto());
    }

    #[test]
    fn off_never_sets_away_and_turning_it_off_brings_the_agent_back() {
        let mut rule = IdleAway::default();
        assert_eq!(rule.step(None, 600 * MIN, Available), None);
        assert_eq!(rule.step(Some(MIN), 2 * MIN, Available), Some(Away));
        assert_eq!(rule.step(None, 3 * MIN, Away), Some(Available));
    }

    #[test]
    fn a_change_that_did_not_reach_the_server_is_tried_again() {
        let mut rule = IdleAway::default();
        let after = Some(MIN);
        assert_eq!(rule.step(after, 2 * MIN, Available), Some(Away));
        rule.failed(Away);
        assert_eq!(rule.step(after, 3 * MIN, Available), Some(Away));
        assert_eq!(rule.step(after, Duration::ZERO, Away), Some(Available));
        rule.failed(Available);
        assert_eq!(rule.step(after, Duration::ZERO, Away), Some(Available));
    }

    #[test]
    fn readings_come_often_enough() {
        let rule = IdleAway::default();
        assert_eq!(rule.interval(Some(10 * MIN)), Duration::from_secs(15));
        assert_eq!(
            rule.interval(Some(Duration::from_secs(8))),
            Duration::from_secs(2)
        );
        assert_eq!(
            rule.interval(Some(Duration::from_secs(2))),
            Duration::from_secs(1)
        );
        let mut away = IdleAway::default();
        away.step(Some(MIN), MIN, Available);
        assert_eq!(away.interval(Some(MIN)), Duration::from_secs(2));
    }

    /// The X server's clock under Xvfb: it grows without input and starts
    /// again at a synthetic mouse move (xdotool, through XTEST).
    #[tokio::test]
    #[ignore = "needs a display with xdotool (scripts/desktop-session)"]
    async fn the_desktop_clock_counts_from_the_last_input() {
        let mut clock = IdleClock::new();
        let moved = |x: &str| {
            let status = std::process::Command::new("xdotool")
                .args(["mousemove", x, "10"])
                .status()
                .expect("xdotool");
            assert!(status.success());
        };
        moved("10");
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let idle = clock.idle().await.expect("the X server's idle time");
        assert!(idle >= Duration::from_millis(1400), "{idle:?}");
        moved("20");
        let idle = clock.idle().await.expect("the X server's idle time");
        assert!(idle < Duration::from_millis(1000), "{idle:?}");
    }
}
