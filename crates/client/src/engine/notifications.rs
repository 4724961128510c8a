//! The engine's notifications: the policy on its task, fed with applied
//! events, the agent's view and settings and a clock; the sink on a thread of
//! its own (OS notification calls may block).

use super::{Change, Engine};
use crate::notify::{Decision, DesktopSink, Policy, Settings, Sink, View};
use std::time::Duration;
use tokio::sync::broadcast;

/// Messages to the notification task.
pub(super) enum NotifyCtl {
    View(View),
    Settings(Settings),
}

impl Engine {
    /// A desktop sink whose clicks come back as [`Change::NotificationClicked`].
    pub fn desktop_sink(&self) -> DesktopSink {
        let changes = self.inner.changes.clone();
        DesktopSink::new(move |conversation_id| {
            let _ = changes.send(Change::NotificationClicked { conversation_id });
        })
    }

    /// Starts deciding on notifications (the policy) and showing them (the sink,
    /// on its own thread: OS notification calls may block).
    pub fn start_notifications(&mut self, sink: Box<dyn Sink>, settings: Settings) {
        let (ctl_tx, mut ctl_rx) = tokio::sync::mpsc::unbounded_channel();
        let (out_tx, out_rx) = std::sync::mpsc::channel::<Decision>();
        std::thread::spawn(move || {
            let mut sink = sink;
            for d in out_rx {
                sink.apply(&d);
            }
        });
        let inner = self.inner.clone();
        let mut applied = inner.applied.subscribe();
        let task = tokio::spawn(async move {
            let me = inner.reader().me().clone();
            let mut policy = Policy::new(&me, settings);
            if let Ok(a) = inner.reader().availability() {
                policy.set_availability(a);
            }
            if let Ok(lists) = inner.reader().lists() {
                policy.seed(&lists, std::time::Instant::now());
            }
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                let now = std::time::Instant::now();
                let decisions = tokio::select! {
                    got = applied.recv() => match got {
                        Ok(a) if a.resynced => {
                            if let Ok(av) = inner.reader().availability() {
                                policy.set_availability(av);
                            }
                            match inner.reader().lists() {
                                Ok(lists) => policy.reconcile(&lists),
                                Err(_) => Vec::new(),
                            }
                        }
                        Ok(a) => {
                            let mut d = policy.on_events(&a.events, now);
                            // Away or back: the queue's customers leave or join.
                            if policy.take_availability_changed() {
                                if let Ok(lists) = inner.reader().lists() {
                                    d.extend(policy.reconcile(&lists));
                                }
                            }
                            d
                        }
                        // Missed batches: start again from the lists.
                        Err(broadcast::error::RecvError::Lagged(_)) => match inner.reader().lists() {
                            Ok(lists) => policy.reconcile(&lists),
                            Err(_) => Vec::new(),
                        },
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                    ctl = ctl_rx.recv() => match ctl {
                        Some(NotifyCtl::View(v)) => policy.set_view(v),
                        Some(NotifyCtl::Settings(s)) => policy.set_settings(s),
                        None => return,
                    },
                    _ = tick.tick() => {
                        policy.wake(chrono::Utc::now());
                        policy.tick(now)
                    }
                };
                for d in decisions {
                    if let Decision::Attention { conversation_id } = d {
                        let _ = inner.changes.send(Change::Attention { conversation_id });
                    } else if out_tx.send(d).is_err() {
                        return;
                    }
                }
            }
        });
        self.tasks.push(task);
        *self
            .inner
            .notify_ctl
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(ctl_tx);
    }

    fn notify_ctl(&self, ctl: NotifyCtl) {
        if let Some(tx) = self
            .inner
            .notify_ctl
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            let _ = tx.send(ctl);
        }
    }

    /// What the agent is looking at (no notification for it while focused).
    pub fn set_view(&self, view: View) {
        self.notify_ctl(NotifyCtl::View(view));
    }

    /// Reminder interval and Do Not Disturb.
    pub fn set_notification_settings(&self, settings: Settings) {
        self.notify_ctl(NotifyCtl::Settings(settings));
    }
}
