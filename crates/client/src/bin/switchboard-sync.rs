//! `switchboard-sync`: the engine without a window. Signs in (or reuses the saved
//! session), keeps the offline cache in step with the server, and prints what
//! happens, one line per change. For diagnostics, scripts and fault tests.
//!
//! Usage: switchboard-sync --data-dir DIR [--server URL --email EMAIL] (password on stdin)

use std::io::BufRead;
use std::path::PathBuf;
use switchboard_client::{Accounts, Change, Engine, EngineOptions};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match run(&args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchboard-sync: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: &[String]) -> Result<(), switchboard_client::ClientError> {
    let dir = arg(args, "--data-dir").map(PathBuf::from);
    let accounts = Accounts::new(dir, !args.iter().any(|a| a == "--no-keychain"))?;
    let session = match (arg(args, "--server"), arg(args, "--email")) {
        (Some(server), Some(email)) => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).ok();
            accounts
                .sign_in(&server, &email, password.trim_end_matches(['\r', '\n']))
                .await?
                .0
        }
        _ => accounts.restore().await?.ok_or_else(|| {
            switchboard_client::ClientError::new(
                "not_signed_in",
                "sign in with --server and --email",
            )
        })?,
    };
    let (engine, rebuilt) = Engine::start(
        &session,
        &accounts.cache_path(&session),
        EngineOptions::default(),
    )?;
    if let Some(r) = rebuilt {
        println!("cache rebuilt: {}", r.reason);
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
                Ok(Change::Backfill { fetched, done }) => println!("backfill {fetched} done={done}"),
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => return Ok(()),
            },
        }
    }
}
