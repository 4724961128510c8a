//! The admin command line: init, agents, subjects, serve.

use crate::db::{sqlite_url_for, Db};
use crate::serve::{serve, ServeOptions};
use crate::sms::SmsConfig;
use crate::store::blocks::tokens::new_token;
use crate::store::{Store, StoreConfig};
use clap::{Args, Parser, Subcommand};
use std::io::{BufRead, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use switchboard_protocol::Role;

/// Switchboard's server: agent and customer APIs on embedded SQLite.
#[derive(Debug, Parser)]
#[command(name = "switchboard-server", version, about)]
pub struct Cli {
    /// Directory of the embedded SQLite database (default: the platform's data directory).
    #[arg(long, global = true, env = "SWITCHBOARD_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL, e.g. sqlite:///var/lib/switchboard/db.sqlite3 (overrides --data-dir).
    #[arg(long, global = true, env = "SWITCHBOARD_DATABASE_URL")]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database and bring its schema up to date.
    Init,
    /// Manage agents.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Manage the end questionnaire's subject list.
    #[command(subcommand)]
    Subjects(SubjectsCommand),
    /// Manage the team's canned replies.
    #[command(subcommand)]
    Canned(CannedCommand),
    /// Customers' data.
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// Run the server.
    Serve(Box<ServeArgs>),
    /// Copy a SQLite deployment to PostgreSQL, then check every table's rows and
    /// checksum on both sides. Stop the server first. Safe to run again: an
    /// interrupted copy leaves the target untouched, a finished one is checked again.
    Port {
        /// The SQLite database, e.g. sqlite:///var/lib/switchboard/switchboard.sqlite3
        #[arg(long)]
        from: String,
        /// The PostgreSQL database, e.g. postgres://switchboard@db.internal/switchboard
        #[arg(long)]
        to: String,
    },
}

/// Agent commands.
#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Add an agent. The password is read from standard input with
    /// --password-stdin; otherwise one is generated and printed.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "agent", value_parser = ["agent", "supervisor", "admin"])]
        role: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List agents.
    List,
    /// Set how many conversations an agent may occupy at once.
    Capacity {
        #[arg(long)]
        email: String,
        /// A number from 1 to 1000, or "none" for no limit.
        #[arg(long)]
        max: String,
    },
    /// Remove an agent from the team: no more sign-ins, their conversations
    /// back in the queue; their name stays on the history and in the reports.
    Remove {
        #[arg(long)]
        email: String,
    },
}

/// Customer commands.
#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Erase a customer: their name, email and phone, every message, file,
    /// survey and text of their conversations, their chat page's tokens and the
    /// stream events that carried their words. The conversations stay,
    /// anonymised and empty, for the reports; every app deletes them from its
    /// cache. Refused while one of their conversations is open.
    Erase {
        /// The customer's id (as the app and the API show it).
        #[arg(long, conflicts_with = "email", required_unless_present = "email")]
        id: Option<i64>,
        /// Or their email address.
        #[arg(long)]
        email: Option<String>,
    },
}

/// Canned reply commands.
#[derive(Debug, Subcommand)]
pub enum CannedCommand {
    /// Add a canned reply; its body is read from standard input. The body may
    /// hold {customer.name} and {agent.name}.
    Add {
        #[arg(long)]
        title: String,
        /// What agents type after / in the composer (a-z, 0-9, - and _).
        #[arg(long)]
        shortcut: String,
    },
    /// List the canned replies: shortcut, title.
    List,
    /// Delete the canned reply with this shortcut.
    Remove {
        #[arg(long)]
        shortcut: String,
    },
}

/// Subject commands.
#[derive(Debug, Subcommand)]
pub enum SubjectsCommand {
    /// Replace the subject list, in the order given.
    Set { subjects: Vec<String> },
    /// Print the subject list.
    List,
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the bound address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Seed demo agents, customers and history into an empty database, and have
    /// simulated customers write now and then.
    #[arg(long)]
    pub demo: bool,
    /// With --demo: average milliseconds between simulated customer messages (0: none).
    #[arg(long, default_value_t = 20_000)]
    pub demo_customer_every_ms: u64,
    /// Stream heartbeat interval in milliseconds.
    #[arg(long, default_value_t = 5000)]
    pub heartbeat_ms: u64,
    /// How often this node checks the sessions of its open streams in the
    /// database, in milliseconds (0: every 12 heartbeats). Signing out closes
    /// streams at once on every node; this catches a notification that was lost.
    #[arg(long, default_value_t = 0)]
    pub session_sweep_ms: u64,
    /// Keep at most this many events for resuming streams.
    #[arg(long, default_value_t = 1_000_000)]
    pub event_retention_events: i64,
    /// Keep events at most this many hours.
    #[arg(long, default_value_t = 168)]
    pub event_retention_hours: i64,
    /// How long a customer may still read a closed conversation from their
    /// page, in days after it closed; then its tokens are deleted.
    #[arg(long, default_value_t = 30)]
    pub customer_token_days: i64,
    /// How long the answer to an op id is kept for retries, in hours.
    #[arg(long, default_value_t = 720)]
    pub op_retention_hours: i64,
    /// How often old events are pruned, in milliseconds.
    #[arg(long, default_value_t = 60_000)]
    pub prune_interval_ms: u64,
    /// New customer conversations allowed per address per minute.
    #[arg(long, default_value_t = 10)]
    pub customer_starts_per_minute: u32,
    /// Customer messages allowed per conversation per minute.
    #[arg(long, default_value_t = 60)]
    pub customer_messages_per_minute: u32,
    /// How long an agent stays signed in, in hours.
    #[arg(long, default_value_t = 720)]
    pub token_ttl_hours: i64,
    /// The largest attachment taken, in MiB (1 to 100).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub attachment_max_mib: u32,
    /// The language of the texts sent to customers (the survey question, its
    /// clarification, the thanks): a tag the server has (`en`, `fr`).
    #[arg(long, env = "SWITCHBOARD_LANGUAGE", default_value = "en", value_parser = parse_language)]
    pub language: switchboard_i18n::Lang,
    /// Reverse proxies (addresses or CIDR ranges, comma-separated) whose
    /// X-Forwarded-For names the client for the sign-in and chat-start limits.
    #[arg(long, env = "SWITCHBOARD_TRUST_PROXY", value_delimiter = ',', value_parser = parse_net)]
    pub trust_proxy: Vec<ipnet::IpNet>,
    /// Return an occupied conversation to the queue when its customer has waited
    /// this many minutes for an answer (decimals allowed; off by default, 10
    /// with --demo). The agent who held it is told why.
    #[arg(long)]
    pub return_after_minutes: Option<f64>,
    /// Serve `GET /metrics` (Prometheus) on the main address to requests with
    /// `Authorization: Bearer <this token>`. Prefer the environment variable.
    #[arg(long, env = "SWITCHBOARD_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Also serve `GET /metrics`, without a token, on this address (a private
    /// interface only Prometheus reaches).
    #[arg(long)]
    pub metrics_listen: Option<SocketAddr>,
    #[command(flatten)]
    pub sms: SmsArgs,
}

/// Texts through a Twilio-compatible SMS provider (all three of account SID, auth
/// token and number turn the channel on). Prefer the environment variables for
/// the auth token, so it does not show in process lists.
#[derive(Debug, Args)]
pub struct SmsArgs {
    /// The provider account's SID (Twilio: `AC…`).
    #[arg(long, env = "SWITCHBOARD_SMS_ACCOUNT_SID")]
    pub sms_account_sid: Option<String>,
    /// The account's auth token: signs the webhook and authenticates sends.
    #[arg(long, env = "SWITCHBOARD_SMS_AUTH_TOKEN", hide_env_values = true)]
    pub sms_auth_token: Option<String>,
    /// Our number, in E.164 (`+15551234567`): texts come to it and go from it.
    #[arg(long, env = "SWITCHBOARD_SMS_NUMBER")]
    pub sms_number: Option<String>,
    /// Base URL of the provider's Messages API.
    #[arg(
        long,
        env = "SWITCHBOARD_SMS_API_URL",
        default_value = "https://api.twilio.com"
    )]
    pub sms_api_url: String,
    /// This server's public base URL as the provider calls it, e.g.
    /// `https://support.example.com` (the webhook signature covers the full URL).
    /// Without it, `http://` and the request's Host header are assumed.
    #[arg(long, env = "SWITCHBOARD_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// First retry delay for a text that failed to send, in milliseconds (doubles
    /// per attempt, at most 5 minutes).
    #[arg(long, default_value_t = 2000)]
    pub sms_retry_base_ms: u64,
    /// Attempts before a text is reported to the agent as not delivered.
    #[arg(long, default_value_t = 8)]
    pub sms_max_attempts: u32,
}

impl SmsArgs {
    /// The provider settings, if texts are configured.
    pub fn config(&self) -> Result<Option<SmsConfig>, CliError> {
        match (
            &self.sms_account_sid,
            &self.sms_auth_token,
            &self.sms_number,
        ) {
            (None, None, None) => Ok(None),
            (Some(sid), Some(token), Some(number)) => {
                if !crate::sms::is_e164(number) {
                    return Err(CliError::Usage(format!(
                        "--sms-number must look like +15551234567, not {number}"
                    )));
                }
                Ok(Some(SmsConfig {
                    account_sid: sid.clone(),
                    auth_token: token.clone(),
                    from_number: number.clone(),
                    api_base: self.sms_api_url.clone(),
                    public_url: self.public_url.clone(),
                    retry_base: Duration::from_millis(self.sms_retry_base_ms.max(1)),
                    max_attempts: self.sms_max_attempts.max(1),
                }))
            }
            _ => Err(CliError::Usage(
                "texts need all three of --sms-account-sid, --sms-auth-token and --sms-number"
                    .into(),
            )),
        }
    }
}

/// Errors of the command line, printed as one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("{}", .0.body.message)]
    Api(crate::error::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Port(#[from] crate::port::PortError),
}

impl From<crate::error::Error> for CliError {
    fn from(e: crate::error::Error) -> CliError {
        CliError::Api(e)
    }
}

fn database_url(cli: &Cli) -> Result<String, CliError> {
    if let Some(url) = &cli.database_url {
        return Ok(url.clone());
    }
    let dir = match &cli.data_dir {
        Some(d) => d.clone(),
        None => directories::ProjectDirs::from("com", "Switchboard", "switchboard-server")
            .map(|p| p.data_dir().to_path_buf())
            .ok_or_else(|| CliError::Usage("no home directory: pass --data-dir".into()))?,
    };
    Ok(sqlite_url_for(&dir)?)
}

fn parse_language(s: &str) -> Result<switchboard_i18n::Lang, String> {
    switchboard_i18n::Lang::from_tag(s.trim()).ok_or_else(|| {
        let have: Vec<&str> = switchboard_i18n::Lang::all().map(|l| l.tag()).collect();
        format!(
            "the server has no language {s:?} (it has {})",
            have.join(", ")
        )
    })
}

fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{s:?} is neither an IP address nor a CIDR range"))
}

/// A database URL without its password, for printing.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Runs one command.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    if let Command::Port { from, to } = &cli.command {
        let report = crate::port::port(from, to).await?;
        print!("{}", report.render());
        println!(
            "ported {} to {}: every table matches",
            redact(from),
            redact(to)
        );
        return Ok(());
    }
    let url = database_url(&cli)?;
    let (ttl_hours, attachment_mib, texts_carry_files, language) = match &cli.command {
        Command::Serve(a) => (
            a.token_ttl_hours,
            a.attachment_max_mib,
            a.sms.public_url.is_some(),
            a.language,
        ),
        _ => (720, 10, false, switchboard_i18n::Lang::ENGLISH),
    };
    let db = Db::open(&url).await?;
    let store = Store::new(
        db,
        StoreConfig {
            token_ttl_ms: ttl_hours.saturating_mul(3_600_000),
            attachment_max_bytes: attachment_mib as usize * 1024 * 1024,
            texts_carry_files,
            language,
        },
    );
    match cli.command {
        Command::Init => println!("database ready at {url}"),
        Command::Agent(AgentCommand::Add {
            email,
            name,
            role,
            password_stdin,
        }) => {
            let role = Role::parse(&role)
                .ok_or_else(|| CliError::Usage(format!("unknown role {role}")))?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                (new_token(""), true)
            };
            let id = store.add_agent(&email, &name, role, &password).await?;
            println!("added agent {id}: {name} <{email}> ({})", role.as_str());
            if generated {
                println!("password: {password}");
            }
        }
        Command::Customer(CustomerCommand::Erase { id, email }) => {
            let id = match (id, email) {
                (Some(id), _) => id,
                (None, Some(email)) => store.customer_by_email(&email).await?.ok_or_else(|| {
                    CliError::Usage(format!("no customer with the email {email}"))
                })?,
                (None, None) => return Err(CliError::Usage("give --id or --email".into())),
            };
            let e = store.erase_customer_by_admin(id).await?;
            println!(
                "erased customer {}: {} conversations kept anonymised; deleted {} messages, {} files, {} surveys, {} texts, {} tokens, {} events",
                e.customer_id, e.conversations, e.messages, e.attachments, e.surveys, e.texts, e.tokens, e.events
            );
        }
        Command::Agent(AgentCommand::List) => {
            for a in store.list_agents().await? {
                println!("{}\t{}\t{}\t{}", a.id, a.role.as_str(), a.email, a.name);
            }
        }
        Command::Agent(AgentCommand::Remove { email }) => {
            let agent = agent_by_email(&store, &email).await?;
            store.remove_agent(None, agent.id).await?;
            println!(
                "removed {} <{}>: their conversations are back in the queue",
                agent.name, agent.email
            );
        }
        Command::Agent(AgentCommand::Capacity { email, max }) => {
            let capacity = match max.as_str() {
                "none" => None,
                n => Some(n.parse::<u32>().map_err(|_| {
                    CliError::Usage(format!(
                        "--max is a number from 1 to 1000 or none, not {n:?}"
                    ))
                })?),
            };
            let agent = agent_by_email(&store, &email).await?;
            store.set_capacity(None, agent.id, capacity).await?;
            match capacity {
                Some(n) => println!("{}: at most {n} conversations at once", agent.name),
                None => println!("{}: no limit", agent.name),
            }
        }
        Command::Subjects(SubjectsCommand::Set { subjects }) => {
            store.set_subjects(&subjects).await?;
            println!("{} subjects set", subjects.len());
        }
        Command::Subjects(SubjectsCommand::List) => {
            for s in store.subjects().await? {
                println!("{s}");
            }
        }
        Command::Canned(CannedCommand::Add { title, shortcut }) => {
            let mut body = String::new();
            std::io::stdin().lock().read_to_string(&mut body)?;
            let body = body.trim_end_matches(['\r', '\n']).to_string();
            let req = switchboard_protocol::CannedReplyRequest {
                title,
                shortcut,
                body,
            };
            let reply = store.add_canned_reply(None, req).await?;
            println!("added /{}: {}", reply.shortcut, reply.title);
        }
        Command::Canned(CannedCommand::List) => {
            for r in store.canned_replies().await? {
                println!("/{}\t{}", r.shortcut, r.title);
            }
        }
        Command::Canned(CannedCommand::Remove { shortcut }) => {
            let wanted = shortcut.trim().trim_start_matches('/').to_lowercase();
            let reply = store
                .canned_replies()
                .await?
                .into_iter()
                .find(|r| r.shortcut == wanted)
                .ok_or_else(|| CliError::Usage(format!("no canned reply /{wanted}")))?;
            store.delete_canned_reply(None, reply.id).await?;
            println!("removed /{}", reply.shortcut);
        }
        // Handled above, before any database is opened.
        Command::Port { .. } => {}
        Command::Serve(args) => {
            let args = *args;
            if args.heartbeat_ms == 0 || args.prune_interval_ms == 0 {
                return Err(CliError::Usage("intervals must be positive".into()));
            }
            let sms = args.sms.config()?;
            let return_after = match args.return_after_minutes {
                Some(m) if !(m.is_finite() && m > 0.0 && m <= 7.0 * 24.0 * 60.0) => {
                    return Err(CliError::Usage(
                        "--return-after-minutes is a number of minutes above 0, at most a week"
                            .into(),
                    ))
                }
                Some(m) => Some(Duration::from_secs_f64(m * 60.0)),
                None if args.demo => Some(Duration::from_secs(10 * 60)),
                None => None,
            };
            let mut _colleagues = Vec::new();
            if args.demo {
                crate::demo::seed(&store).await?;
                _colleagues = crate::demo::simulate_colleagues(&store).await?;
                if args.demo_customer_every_ms > 0 {
                    tokio::spawn(crate::demo::simulate_customers(
                        store.clone(),
                        Duration::from_millis(args.demo_customer_every_ms),
                    ));
                }
            }
            serve(
                store,
                ServeOptions {
                    listen: args.listen,
                    heartbeat: Duration::from_millis(args.heartbeat_ms),
                    session_sweep: match args.session_sweep_ms {
                        0 => {
                            Duration::from_millis(args.heartbeat_ms)
                                * crate::store::sessions::SWEEP_HEARTBEATS
                        }
                        ms => Duration::from_millis(ms),
                    },
                    retention_events: args.event_retention_events,
                    retention_ms: args.event_retention_hours.saturating_mul(3_600_000),
                    prune_interval: Duration::from_millis(args.prune_interval_ms),
                    op_retention_ms: args.op_retention_hours.saturating_mul(3_600_000),
                    customer_token_ms: args.customer_token_days.saturating_mul(86_400_000),
                    customer_starts_per_minute: args.customer_starts_per_minute,
                    customer_messages_per_minute: args.customer_messages_per_minute,
                    sms,
                    trusted_proxies: args.trust_proxy,
                    return_after,
                    metrics_token: match args.metrics_token {
                        Some(t) if t.trim().len() < 16 => {
                            return Err(CliError::Usage(
                                "--metrics-token needs at least 16 characters".into(),
                            ))
                        }
                        t => t,
                    },
                    metrics_listen: args.metrics_listen,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// The agent on the team with this email (compared as sign-in compares it).
async fn agent_by_email(
    store: &Store,
    email: &str,
) -> Result<switchboard_protocol::AgentSummary, CliError> {
    let key = crate::store::agents::email_key(email);
    store
        .list_agents()
        .await?
        .into_iter()
        .find(|a| crate::store::agents::email_key(&a.email) == key)
        .ok_or_else(|| CliError::Usage(format!("no agent with email {email}")))
}
