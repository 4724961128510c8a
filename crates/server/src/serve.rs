//! Running the server: listen, prune the event log, stop cleanly on a signal.

use crate::db::Backend;
use crate::http::limits::{prune_rate_limits, Counts, CustomerLimits, LoginLimits, TrustedProxies};
use crate::http::{app, AppState};
use crate::sms::{run_worker, SmsClient, SmsConfig};
use crate::store::blocks::tokens;
use crate::store::events::prune;
use crate::store::ops::prune_ops;
use crate::store::Store;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub heartbeat: Duration,
    /// How often the open streams' sessions are checked in the database.
    pub session_sweep: Duration,
    pub retention_events: i64,
    pub retention_ms: i64,
    pub prune_interval: Duration,
    /// How long an op id's answer is kept for retries.
    pub op_retention_ms: i64,
    /// How long after its close a conversation's customer tokens still work.
    pub customer_token_ms: i64,
    /// New customer conversations per address per minute.
    pub customer_starts_per_minute: u32,
    /// Customer messages per conversation per minute.
    pub customer_messages_per_minute: u32,
    /// The SMS provider, when texts are configured.
    pub sms: Option<SmsConfig>,
    /// Reverse proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Return occupied conversations to the queue after their customer waited
    /// this long for an answer (None: never).
    pub return_after: Option<Duration>,
    /// `GET /metrics` on the main address with this bearer token.
    pub metrics_token: Option<String>,
    /// `GET /metrics` without a token on this (private) address.
    pub metrics_listen: Option<SocketAddr>,
}

/// Sweeps for neglected conversations, often enough that one returns at most a
/// quarter of the setting late (and at least every 10 s, at most every 200 ms).
fn spawn_returns(store: Store, after: Duration) {
    let every = (after / 4).clamp(Duration::from_millis(200), Duration::from_secs(10));
    let after_ms = i64::try_from(after.as_millis()).unwrap_or(i64::MAX);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match store.return_neglected(after_ms).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("returned {n} neglected conversations to the queue"),
                Err(e) => tracing::warn!(
                    "returning neglected conversations failed: {}",
                    e.body.message
                ),
            }
        }
    });
}

/// Serves until Ctrl-C or SIGTERM. Prints `listening on http://ADDR` once bound,
/// which scripts and tests wait for.
pub async fn serve(store: Store, opts: ServeOptions) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(opts.listen).await?;
    let addr = listener.local_addr()?;
    let pruner = store.clone();
    let shared_counts = Counts::for_db(&store.db);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(opts.prune_interval);
        loop {
            tick.tick().await;
            if let Err(e) = prune_ops(&pruner.db.writer, opts.op_retention_ms).await {
                tracing::warn!("pruning old op ids failed: {}", e.body.message);
            }
            if let Err(e) = prune(&pruner.db, opts.retention_events, opts.retention_ms).await {
                tracing::warn!("pruning the event log failed: {}", e.body.message);
            }
            if let Err(e) = tokens::prune_expired(&pruner.db.writer, opts.customer_token_ms).await {
                tracing::warn!("pruning customer tokens failed: {}", e.body.message);
            }
            if let Err(e) = prune_rate_limits(&shared_counts).await {
                tracing::warn!("pruning rate limits failed: {}", e.body.message);
            }
        }
    });
    if let Some(after) = opts.return_after {
        spawn_returns(store.clone(), after);
    }
    tokio::spawn(store.clone().keep_presence());
    tokio::spawn(store.clone().sweep_sessions(opts.session_sweep));
    if let Some(addr) = opts.metrics_listen {
        let private = tokio::net::TcpListener::bind(addr).await?;
        println!(
            "switchboard-server metrics on http://{}/metrics",
            private.local_addr()?
        );
        let router = crate::http::metrics_api::private_router(store.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(private, router).await {
                tracing::error!("the metrics listener stopped: {e}");
            }
        });
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    if store.db.backend == Backend::Postgres {
        let start = crate::tail::start(&store)
            .await
            .map_err(|e| std::io::Error::other(e.body.message))?;
        tokio::spawn(crate::tail::run(
            store.clone(),
            start,
            opts.heartbeat,
            stop_rx.clone(),
        ));
    }
    if let Some(config) = &opts.sms {
        let client = SmsClient::new(config.clone()).map_err(std::io::Error::other)?;
        tokio::spawn(run_worker(store.clone(), client, stop_rx.clone()));
    }
    // Streams run on a runtime of their own: a fan-out to thousands of them
    // wakes every one for each event, and a customer's POST queued behind those
    // wake-ups on the same runtime would wait for all of them. On its own
    // runtime the request gets its share of the cores from the OS at once.
    raise_open_files();
    let streams = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
        .thread_name("switchboard-streams")
        .on_thread_start(below_requests)
        .enable_all()
        .build()?;
    let live = store.sessions.clone();
    let counts = Counts::for_db(&store.db);
    let state = AppState {
        streams: streams.handle().clone(),
        store,
        login_limits: Arc::new(LoginLimits::new(counts.clone())),
        customer_limits: Arc::new(CustomerLimits::new(
            counts,
            opts.customer_starts_per_minute,
            opts.customer_messages_per_minute,
        )),
        proxies: Arc::new(TrustedProxies(opts.trusted_proxies)),
        heartbeat: opts.heartbeat,
        sms: opts.sms.map(Arc::new),
        stopping: stop_rx,
        metrics_token: opts.metrics_token.map(Arc::from),
    };
    println!("switchboard-server listening on http://{addr}");
    std::io::stdout().flush()?;
    let served = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown().await;
        // Open streams end too, or the graceful shutdown would wait for them forever.
        let _ = stop_tx.send(true);
        live.end_all();
    })
    .await;
    // Not dropped here: a runtime may not be dropped inside another one.
    streams.shutdown_background();
    served
}

/// Lowers the calling thread's priority below the request threads' (Linux: a
/// nice value of 10, which the scheduler weighs about 1 to 10 against 0): the
/// streams still get every core the requests leave, but a customer's POST is
/// not kept waiting by a fan-out. Elsewhere the threads keep the default.
fn below_requests() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid has no preconditions; setpriority on this thread's id
        // changes only this thread's nice value.
        let done = unsafe {
            let tid = libc::gettid();
            libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, STREAMS_NICE)
        };
        if done != 0 {
            tracing::debug!(
                "the streams' thread priority stays: {}",
                std::io::Error::last_os_error()
            );
        }
    }
}

/// Raises the soft limit on open files to the hard one (Linux): each connected
/// agent or customer holds a socket, and the usual soft limit of 1,024 would
/// refuse the 1,025th while the hard limit allows far more.
fn raise_open_files() {
    #[cfg(target_os = "linux")]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit read and write the struct given,
        // which lives for both calls.
        let raised = unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return;
            }
            let was = limit.rlim_cur;
            limit.rlim_cur = limit.rlim_max;
            (was < limit.rlim_max && libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0)
                .then_some(was)
        };
        if let Some(was) = raised {
            tracing::info!("open files allowed: {} (was {was})", limit.rlim_cur);
        }
    }
}

/// The nice value of the streams' threads (Linux).
#[cfg(target_os = "linux")]
const STREAMS_NICE: libc::c_int = 10;

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
