//! `switchboard-sync`: the engine without a window. Signs in (or reuses the saved
//! session), keeps the offline cache in step with the server, and prints what
//! happens, one line per change. For diagnostics, scripts and fault tests.
//!
//! Usage: switchboard-sync [--data-dir DIR] [--server URL --email EMAIL] [--notify]
//!        (password on stdin)
//!        switchboard-sync [--data-dir DIR] --search QUERY   (the saved cache, offline)
//!
//! Warnings and errors go to standard error (`RUST_LOG` sets the level).

use std::io::BufRead;
use std::path::PathBuf;
use switchboard_client::cache::Cache;
use switchboard_client::notify::Settings;
use switchboard_client::{
    Accounts, Change, ClientError, Engine, EngineCode, EngineOptions, TokenStore,
};

const USAGE: &str = "Usage: switchboard-sync [--data-dir DIR] [--server URL --email EMAIL] [--notify] [--no-keychain]
       (the password on standard input; without --server, the saved session)
       switchboard-sync [--data-dir DIR] --search QUERY   (the saved cache, offline)";

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return std::process::ExitCode::SUCCESS;
    }
    match run(&args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchboard-sync: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Searches the saved cache, with no network: one line per conversation.
async fn search(
    accounts: &Accounts,
    session: &switchboard_client::Session,
    query: &str,
) -> Result<(), ClientError> {
    let path = accounts.cache_path(session);
    let (key, _) = accounts.cache_key(&path).await?;
    let (cache, _) = Cache::open(&path, &session.me, Some(&key))?;
    let hits = cache.search(query, 100)?;
    println!("search {query:?}: {} conversations", hits.len());
    for h in hits {
        let snippet: String = h
            .snippets
            .first()
            .map(|s| s.segments.iter().map(|g| g.text.as_str()).collect())
            .unwrap_or_default();
        println!(
            "hit {} {:?} list={:?} matches={} {snippet:?}",
            h.conversation.id, h.conversation.customer.name, h.list, h.matches
        );
    }
    Ok(())
}

async fn run(args: &[String]) -> Result<(), ClientError> {
    let dir = arg(args, "--data-dir").map(PathBuf::from);
    let accounts = Accounts::new(dir, !args.iter().any(|a| a == "--no-keychain"))?;
    let session = match (arg(args, "--server"), arg(args, "--email")) {
        (Some(server), Some(email)) => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).ok();
            let (session, store) = accounts
                .sign_in(&server, &email, password.trim_end_matches(['\r', '\n']))
                .await?;
            println!(
                "signed in as {}; token kept in {}",
                session.me.email,
                match store {
                    TokenStore::Keychain => "the OS keychain",
                    TokenStore::File => "a private file",
                }
            );
            session
        }
        _ => accounts.restore().await?.ok_or_else(|| {
            ClientError::new(EngineCode::NotSignedIn, "sign in with --server and --email")
        })?,
    };
    if let Some(query) = arg(args, "--search") {
        return search(&accounts, &session, &query).await;
    }
    let path = accounts.cache_path(&session);
    let (key, kept) = accounts.cache_key(&path).await?;
    let (mut engine, rebuilt) =
        Engine::start(&session, &path, Some(&key), EngineOptions::default())?;
    println!(
        "cache key kept in {}",
        match kept {
            TokenStore::Keychain => "the OS keychain",
            TokenStore::File => "a private file",
        }
    );
    if let Some(r) = rebuilt {
        println!("cache rebuilt: {}", r.reason);
    }
    if args.iter().any(|a| a == "--notify") {
        let sink = engine.desktop_sink();
        engine.start_notifications(Box::new(sink), Settings::default());
    }
    let mut changes = engine.changes();
    let mut connection = engine.connection();
    println!("started cursor={:?}", engine.cursor()?);
    println!("connection {:?}", *connection.borrow_and_update());
    loop {
        tokio::select! {
            moved = connection.changed() => {
                if moved.is_err() {
                    return Ok(());
                }
                println!("connection {:?}", *connection.borrow_and_update());
            }
            change = changes.recv() => match change {
                Ok(Change::Backfill {
                    fetched,
                    total,
                    done,
                }) => println!("backfill {fetched} of {total} done={done}"),
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => return Ok(()),
            },
        }
    }
}
