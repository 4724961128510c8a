//! When to raise a desktop notification: a pure function of what changed, what
//! the agent is looking at, their settings and the time. No I/O here.

use crate::cache::Lists;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use switchboard_i18n::{tr, Lang};
use switchboard_protocol::{
    Author, Availability, ConversationState, ConversationSummary, Event, EventKind, Me,
};

/// The agent's notification settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// Remind while a customer stays unanswered, this often (None: no reminders).
    pub reminder: Option<Duration>,
    /// Do Not Disturb until turned off: nothing is shown.
    pub do_not_disturb: bool,
    /// Snoozed: nothing is shown until then; customers waiting meanwhile are
    /// shown when it ends.
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Ask for the agent's attention (flash the taskbar, bounce the dock) when a
    /// customer starts waiting while the window is not focused.
    pub attention: bool,
    /// A sound with the notification of a customer who starts waiting.
    pub sound: bool,
    /// The language notifications speak.
    #[serde(skip)]
    pub lang: Lang,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            reminder: Some(Duration::from_secs(120)),
            do_not_disturb: false,
            snoozed_until: None,
            attention: true,
            sound: true,
            lang: Lang::ENGLISH,
        }
    }
}

impl Settings {
    /// Nothing is shown: Do Not Disturb, or snoozed.
    pub fn quiet(&self) -> bool {
        self.do_not_disturb || self.snoozed_until.is_some()
    }
}

/// What the agent is looking at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct View {
    /// The app's window has the focus.
    pub focused: bool,
    /// The conversation open in it.
    pub conversation: Option<i64>,
}

/// A notification to show (replacing any earlier one of the same conversation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub conversation_id: i64,
    /// The customer, and whether the conversation waits in the queue.
    pub title: String,
    /// A one-line preview of the customer's message (plain text).
    pub body: String,
    /// A reminder about a customer still waiting, rather than a new message.
    pub reminder: bool,
    /// With a sound (a customer who starts waiting, when the agent wants sounds).
    pub sound: bool,
    /// The words of the notification's button that opens the conversation.
    pub open: String,
}

/// What the sink should do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Decision {
    Show(Notice),
    /// Withdraw the conversation's notification (answered, taken by someone else…).
    Close {
        conversation_id: i64,
    },
    /// A customer starts waiting while the window is not focused: ask for the
    /// agent's attention (the shell flashes the taskbar or bounces the dock).
    Attention {
        conversation_id: i64,
    },
}

#[derive(Debug, Clone)]
struct Waiting {
    title: String,
    body: String,
    /// When it was last shown (None: never, e.g. while Do Not Disturb was on).
    shown_at: Option<Instant>,
    /// Whether a notification of it is on screen as far as we know.
    on_screen: bool,
}

/// The policy's state: conversations with a customer waiting for an answer.
#[derive(Debug, Clone)]
pub struct Policy {
    me: i64,
    settings: Settings,
    view: View,
    waiting: BTreeMap<i64, Waiting>,
    /// Away: the queue's customers are not the agent's concern (their own
    /// conversations still are).
    away: bool,
    /// The agent's availability changed in the last batch: the caller should
    /// [`Policy::reconcile`] with the lists.
    availability_changed: bool,
}

/// The longest preview, in characters.
const PREVIEW_CHARS: usize = 140;

/// One line of at most 140 characters.
pub fn preview(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= PREVIEW_CHARS {
        line
    } else {
        let cut: String = line.chars().take(PREVIEW_CHARS - 1).collect();
        format!("{cut}…")
    }
}

fn title(c: &ConversationSummary, lang: Lang) -> String {
    match c.state {
        ConversationState::NotAssigned => {
            tr!(lang, "notify-not-assigned", name = c.customer.name.as_str())
        }
        _ => c.customer.name.clone(),
    }
}

impl Policy {
    pub fn new(me: &Me, settings: Settings) -> Policy {
        Policy {
            me: me.id,
            settings,
            view: View::default(),
            waiting: BTreeMap::new(),
            away: false,
            availability_changed: false,
        }
    }

    /// Available or away (from the cache at start, then from the stream).
    pub fn set_availability(&mut self, availability: Availability) {
        self.away = availability == Availability::Away;
    }

    /// Whether the agent's availability changed since this was last asked:
    /// then [`Policy::reconcile`] brings the queue in or out of concern.
    pub fn take_availability_changed(&mut self) -> bool {
        std::mem::take(&mut self.availability_changed)
    }

    /// Customers waiting in my conversations or the queue.
    fn concerns_me(&self, c: &ConversationSummary) -> bool {
        !c.customer.blocked
            && match c.state {
                ConversationState::NotAssigned => !self.away,
                ConversationState::Occupied => c.is_occupied_by(self.me),
                _ => false,
            }
    }

    fn looking_at(&self, id: i64) -> bool {
        self.view.focused && self.view.conversation == Some(id)
    }

    fn forget(&mut self, id: i64, out: &mut Vec<Decision>) {
        if let Some(w) = self.waiting.remove(&id) {
            if w.on_screen {
                out.push(Decision::Close {
                    conversation_id: id,
                });
            }
        }
    }

    /// Shows a waiting customer; `starts` when they have just started waiting
    /// (with a sound, and a call for attention when the window is elsewhere).
    fn show(
        &mut self,
        id: i64,
        now: Instant,
        reminder: bool,
        starts: bool,
        out: &mut Vec<Decision>,
    ) {
        if self.looking_at(id) {
            // Seen on screen: the next reminder is a full interval away.
            if let Some(w) = self.waiting.get_mut(&id) {
                w.shown_at = Some(now);
            }
            return;
        }
        // Quiet: nothing on screen, and the customer stays due (shown when it ends).
        if self.settings.quiet() {
            return;
        }
        if starts && self.settings.attention && !self.view.focused {
            out.push(Decision::Attention {
                conversation_id: id,
            });
        }
        if let Some(w) = self.waiting.get_mut(&id) {
            w.shown_at = Some(now);
            w.on_screen = true;
            out.push(Decision::Show(Notice {
                conversation_id: id,
                title: w.title.clone(),
                body: w.body.clone(),
                reminder,
                sound: starts && self.settings.sound,
                open: tr!(self.settings.lang, "notify-open"),
            }));
        }
    }

    /// A conversation changed hands in a way the agent must hear of (a colleague
    /// handed it to them; the server returned theirs to the queue): shown (with
    /// a sound when the agent wants sounds) unless they look at it or it is
    /// quiet, even while away; a waiting customer the agent may take is then
    /// reminded of like any other.
    fn show_handover(
        &mut self,
        c: &ConversationSummary,
        heading: String,
        body: String,
        now: Instant,
        out: &mut Vec<Decision>,
    ) {
        if let (Some(u), true) = (&c.unanswered, self.concerns_me(c)) {
            self.waiting.insert(
                c.id,
                Waiting {
                    title: title(c, self.settings.lang),
                    body: preview(&u.body),
                    shown_at: Some(now),
                    on_screen: false,
                },
            );
        } else {
            self.waiting.remove(&c.id);
        }
        if self.looking_at(c.id) || self.settings.quiet() {
            return;
        }
        if self.settings.attention && !self.view.focused {
            out.push(Decision::Attention {
                conversation_id: c.id,
            });
        }
        if let Some(w) = self.waiting.get_mut(&c.id) {
            w.on_screen = true;
        }
        out.push(Decision::Show(Notice {
            conversation_id: c.id,
            title: heading,
            body,
            reminder: false,
            sound: self.settings.sound,
            open: tr!(self.settings.lang, "notify-open"),
        }));
    }

    /// Starts from the lists as cached: customers already waiting get reminders
    /// later, not a burst of notifications at start.
    pub fn seed(&mut self, lists: &Lists, now: Instant) {
        for c in lists.mine.iter().chain(&lists.queue) {
            if let (true, Some(u)) = (self.concerns_me(c), &c.unanswered) {
                self.waiting.insert(
                    c.id,
                    Waiting {
                        title: title(c, self.settings.lang),
                        body: preview(&u.body),
                        shown_at: Some(now),
                        on_screen: false,
                    },
                );
            }
        }
    }

    /// Starts again from the lists (after a snapshot, or when events were missed):
    /// customers no longer waiting are withdrawn, newly found ones are shown at
    /// the next tick.
    pub fn reconcile(&mut self, lists: &Lists) -> Vec<Decision> {
        let mut out = Vec::new();
        let now_waiting: BTreeMap<i64, &ConversationSummary> = lists
            .mine
            .iter()
            .chain(&lists.queue)
            .filter(|c| self.concerns_me(c) && c.unanswered.is_some())
            .map(|c| (c.id, c))
            .collect();
        let gone: Vec<i64> = self
            .waiting
            .keys()
            .filter(|id| !now_waiting.contains_key(id))
            .copied()
            .collect();
        for id in gone {
            self.forget(id, &mut out);
        }
        for (id, c) in now_waiting {
            let entry = self.waiting.entry(id).or_insert(Waiting {
                title: String::new(),
                body: String::new(),
                shown_at: None,
                on_screen: false,
            });
            entry.title = title(c, self.settings.lang);
            entry.body = c
                .unanswered
                .as_ref()
                .map(|u| preview(&u.body))
                .unwrap_or_default();
        }
        out
    }

    /// Decides on a batch of applied events.
    pub fn on_events(&mut self, events: &[Event], now: Instant) -> Vec<Decision> {
        let mut out = Vec::new();
        for e in events {
            match &e.kind {
                EventKind::CustomerBlocked {
                    conversation_ids, ..
                }
                | EventKind::CustomerErased {
                    conversation_ids, ..
                } => {
                    for id in conversation_ids {
                        self.forget(*id, &mut out);
                    }
                }
                EventKind::AgentChanged {
                    agent,
                    availability,
                    ..
                } => {
                    if agent.id == self.me {
                        let away = *availability == Availability::Away;
                        self.availability_changed |= away != self.away;
                        self.away = away;
                    }
                }
                kind => {
                    let Some(c) = kind.conversation() else {
                        continue;
                    };
                    let fresh_customer_line = matches!(kind,
                        EventKind::MessagePosted { message, .. } if message.author == Author::Customer);
                    if let EventKind::ConversationTransferred { by, to, note, .. } = kind {
                        if to.id == self.me && by.id != self.me {
                            let body = match note {
                                Some(n) => preview(&format!("{}: {n}", by.name)),
                                None => tr!(
                                    self.settings.lang,
                                    "notify-transferred-body",
                                    name = by.name.as_str()
                                ),
                            };
                            let title = tr!(
                                self.settings.lang,
                                "notify-transferred-title",
                                name = c.customer.name.as_str()
                            );
                            self.show_handover(c, title, body, now, &mut out);
                            continue;
                        }
                    }
                    if let EventKind::ConversationReturned { from, .. } = kind {
                        if from.id == self.me {
                            let waited = c
                                .unanswered
                                .as_ref()
                                .map(|u| preview(&u.body))
                                .unwrap_or_default();
                            let lang = self.settings.lang;
                            let title = tr!(
                                lang,
                                "notify-returned-title",
                                name = c.customer.name.as_str()
                            );
                            let body = tr!(lang, "notify-returned-body", waiting = waited);
                            self.show_handover(c, title, body, now, &mut out);
                            continue;
                        }
                    }
                    match (&c.unanswered, self.concerns_me(c)) {
                        (Some(u), true) => {
                            let known = self.waiting.contains_key(&c.id);
                            let w = self.waiting.entry(c.id).or_insert(Waiting {
                                title: String::new(),
                                body: String::new(),
                                shown_at: None,
                                on_screen: false,
                            });
                            w.title = title(c, self.settings.lang);
                            w.body = preview(&u.body);
                            // A new customer line, or a waiting customer newly in my
                            // lists (freed to the queue, reopened for me).
                            if fresh_customer_line || !known {
                                self.show(c.id, now, false, !known, &mut out);
                            }
                        }
                        _ => self.forget(c.id, &mut out),
                    }
                }
            }
        }
        out
    }

    /// Reminders for customers still waiting, and the first showing of those
    /// who started waiting while it was quiet or the events were missed.
    pub fn tick(&mut self, now: Instant) -> Vec<Decision> {
        let mut out = Vec::new();
        let every = self.settings.reminder;
        let due: Vec<(i64, bool)> = self
            .waiting
            .iter()
            .filter_map(|(id, w)| match (w.shown_at, every) {
                (None, _) => Some((*id, false)),
                (Some(t), Some(every)) if now.duration_since(t) >= every => Some((*id, true)),
                _ => None,
            })
            .collect();
        // A first showing (started waiting while it was quiet, or found after a
        // gap) is a customer starting to wait as far as the agent knows.
        for (id, reminder) in due {
            self.show(id, now, reminder, !reminder, &mut out);
        }
        out
    }

    /// Ends a snooze whose time has come (`wall`: the time of day now); whether
    /// it ended. Customers who started waiting meanwhile are shown at the next tick.
    pub fn wake(&mut self, wall: DateTime<Utc>) -> bool {
        match self.settings.snoozed_until {
            Some(until) if until <= wall => {
                self.settings.snoozed_until = None;
                true
            }
            _ => false,
        }
    }

    /// The agent looks at something else; opening a conversation withdraws its
    /// notification.
    pub fn set_view(&mut self, view: View) -> Vec<Decision> {
        self.view = view;
        let mut out = Vec::new();
        if let Some(id) = view.conversation.filter(|_| view.focused) {
            if let Some(w) = self.waiting.get_mut(&id) {
                if w.on_screen {
                    w.on_screen = false;
                    out.push(Decision::Close {
                        conversation_id: id,
                    });
                }
            }
        }
        out
    }

    /// New settings; going quiet (Do Not Disturb, a snooze) withdraws what is on screen.
    pub fn set_settings(&mut self, settings: Settings) -> Vec<Decision> {
        self.settings = settings;
        let mut out = Vec::new();
        if settings.quiet() {
            for (id, w) in self.waiting.iter_mut() {
                if w.on_screen {
                    w.on_screen = false;
                    out.push(Decision::Close {
                        conversation_id: *id,
                    });
                }
            }
        }
        out
    }

    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// Conversations with a customer waiting (the tray's count).
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "policy_team_tests.rs"]
mod team_tests;
