//! The command line: `serve` (default), `migrate`, bootstrap and demo data,
//! and the operator commands. Operator commands call the same services as the
//! console, so they are validated and audited the same way.

mod calls;
mod common;
mod demo;
mod ops;
mod phone;
mod platform;
mod statements;
mod tool_data;
mod voice;

use crate::config::Config;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "callboard",
    version,
    about = "Callboard server and operator tools"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations (connects with DATABASE_ADMIN_URL).
    Migrate,
    /// Create a super admin, or reset an existing user's password and make them one.
    CreateSuperAdmin {
        #[arg(long)]
        email: String,
        /// Read from standard input when omitted.
        #[arg(long)]
        password: Option<String>,
    },
    /// Load demo organizations and users, printing their credentials.
    SeedDemo,
    /// Manage organizations.
    #[command(subcommand)]
    Org(ops::OrgCommand),
    /// Manage users and memberships.
    #[command(subcommand)]
    User(ops::UserCommand),
    /// Manage voice agents.
    #[command(subcommand)]
    Agent(voice::AgentCommand),
    /// Export an organization's calls.
    #[command(subcommand)]
    Calls(calls::CallsCommand),
    /// Monthly statements: close a month, list an organization's.
    #[command(subcommand)]
    Statements(statements::StatementsCommand),
    /// Manage the phone numbers callers dial.
    #[command(subcommand)]
    Number(phone::NumberCommand),
    /// An organization's reservations (the voice agent's tool data).
    #[command(subcommand)]
    Reservations(tool_data::ReservationCommand),
    /// An organization's drivers.
    #[command(subcommand)]
    Drivers(tool_data::DriverCommand),
    /// The platform's own settings (the agency's shared voice-platform key).
    #[command(subcommand)]
    Platform(platform::PlatformCommand),
    /// Send realistic signed call events for an agent through the webhook route.
    SimulateCalls {
        #[arg(long = "org")]
        slug: String,
        #[arg(long)]
        agent: uuid::Uuid,
        #[arg(long, default_value_t = 5)]
        count: u32,
    },
    /// Re-seal every stored credential with the current CALLBOARD_ENCRYPTION_KEY
    /// (older keys go in CALLBOARD_ENCRYPTION_KEY_PREVIOUS).
    RotateEncryptionKey,
}

pub async fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    init_tracing();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::server::serve(config).await,
        Command::Migrate => ops::migrate(&config).await,
        Command::CreateSuperAdmin { email, password } => {
            let password = ops::password_arg(password)?;
            ops::create_super_admin(&config, &email, password).await
        }
        Command::SeedDemo => demo::seed(&config).await,
        Command::Org(cmd) => ops::org(&config, cmd).await,
        Command::User(cmd) => ops::user(&config, cmd).await,
        Command::Agent(cmd) => voice::agent(&config, cmd).await,
        Command::Number(cmd) => phone::number(&config, cmd).await,
        Command::Calls(cmd) => calls::calls(&config, cmd).await,
        Command::Statements(cmd) => statements::statements(&config, cmd).await,
        Command::Platform(cmd) => platform::platform(&config, cmd).await,
        Command::Reservations(cmd) => tool_data::reservations(&config, cmd).await,
        Command::Drivers(cmd) => tool_data::drivers(&config, cmd).await,
        Command::SimulateCalls { slug, agent, count } => {
            voice::simulate(&config, &slug, agent, count).await
        }
        Command::RotateEncryptionKey => voice::rotate(&config).await,
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn,tower_http=info"));
    let json = std::env::var("CALLBOARD_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}
