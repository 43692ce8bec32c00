//! Operator commands for agents, calls and encryption keys.

use super::common::{explain, keyring, org_by_slug, pool};
use crate::auth::Principal;
use crate::config::Config;
use crate::db::PlatformAccess;
use crate::services;
use anyhow::{bail, Context};
use clap::Subcommand;
use uuid::Uuid;

#[derive(Subcommand)]
pub enum AgentCommand {
    /// Register a voice agent; prints its id and webhook URL.
    Create {
        #[arg(long = "org")]
        slug: String,
        /// The agent's id on the voice platform.
        #[arg(long = "retell-agent-id")]
        agent_id: String,
        #[arg(long)]
        name: String,
        /// Ask the voice platform first, as the console does, and refuse an
        /// id it does not know (without it: demo data, load tests).
        #[arg(long)]
        check: bool,
    },
    /// List an organization's agents.
    List {
        #[arg(long = "org")]
        slug: String,
    },
}

pub async fn agent(config: &Config, cmd: AgentCommand) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    match cmd {
        AgentCommand::Create {
            slug,
            agent_id,
            name,
            check,
        } => {
            let org = org_by_slug(&pool, &slug).await?;
            let who = Principal::operator(org.id);
            let id = if check {
                let keys = keyring(config)?;
                let voice = crate::retell::client::Client::new(&config.retell_api_base);
                let r = services::agents::register(&pool, &keys, &voice, &who, &agent_id, &name)
                    .await
                    .map_err(explain)?;
                eprintln!("{}", r.describe());
                r.id
            } else {
                services::agents::create(&pool, &who, &agent_id, &name)
                    .await
                    .map_err(explain)?
            };
            println!("{id}");
            println!("{}", services::agents::webhook_url(&config.public_url, id));
        }
        AgentCommand::List { slug } => {
            let org = org_by_slug(&pool, &slug).await?;
            let o =
                services::agents::overview(&pool, &Principal::operator(org.id), &config.public_url)
                    .await
                    .map_err(explain)?;
            println!(
                "{:<36}  {:<20}  {:>6}  {:<24}  NAME",
                "ID", "STATUS", "CALLS", "PLATFORM AGENT"
            );
            for a in o.agents {
                println!(
                    "{:<36}  {:<20}  {:>6}  {:<24}  {}",
                    a.id,
                    format!("{:?}", a.status),
                    a.call_count,
                    a.provider_agent_id.unwrap_or_default(),
                    a.name
                );
            }
        }
    }
    Ok(())
}

/// Sends `count` realistic calls (three signed events each) for one agent
/// through the real webhook route of the server at `CALLBOARD_PUBLIC_URL`.
pub async fn simulate(config: &Config, slug: &str, agent: Uuid, count: u32) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    let org = org_by_slug(&pool, slug).await?;
    let scope = Principal::operator(org.id);
    let overview = services::agents::overview(&pool, &scope, &config.public_url)
        .await
        .map_err(explain)?;
    let Some(a) = overview.agents.iter().find(|a| a.id == agent) else {
        bail!("organization {slug} has no agent {agent} (see `callboard agent list --org {slug}`)");
    };
    let key = services::agents::api_key(&pool, &keyring(config)?, &scope)
        .await
        .map_err(explain)?
        .context("the organization has no API key yet (callboard org set-retell-key)")?;
    let provider_id = a.provider_agent_id.clone().unwrap_or_default();
    let http = client_for(&a.webhook_url)?;
    let mut rng = rand::thread_rng();
    let (mut ok, mut failed) = (0u32, 0u32);
    for n in 1..=count {
        let now = chrono::Utc::now().timestamp_millis();
        for event in crate::retell::simulate::call_events(&provider_id, now, &mut rng) {
            let status = crate::retell::simulate::send(&http, &a.webhook_url, &key, &event)
                .await
                .with_context(|| format!("sending to {}", a.webhook_url))?;
            if (200..300).contains(&status) {
                ok += 1;
            } else {
                failed += 1;
                eprintln!("call {n}: {} answered {status}", event["event"]);
            }
        }
        eprintln!("call {n}/{count} sent");
    }
    println!("{ok} events accepted, {failed} refused");
    if failed > 0 {
        bail!("{failed} events were refused");
    }
    Ok(())
}

pub async fn rotate(config: &Config) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    let keys = keyring(config)?;
    let report = services::keys::rotate(&pool, PlatformAccess::operator(), &keys)
        .await
        .map_err(explain)?;
    println!(
        "re-sealed {} credential(s) with key {}; {} already used it",
        report.resealed,
        keys.current_id(),
        report.already_current
    );
    Ok(())
}

/// An HTTP client that reaches `*.localhost` on this machine, as browsers do
/// (RFC 6761); the system resolver often does not know those names.
fn client_for(url: &str) -> anyhow::Result<reqwest::Client> {
    let parsed = reqwest::Url::parse(url).with_context(|| format!("bad URL {url}"))?;
    let mut builder = reqwest::Client::builder();
    if let Some(host) = parsed.host_str() {
        if host == "localhost" || host.ends_with(".localhost") {
            let port = parsed.port_or_known_default().unwrap_or(80);
            builder = builder.resolve(host, std::net::SocketAddr::from(([127, 0, 0, 1], port)));
        }
    }
    Ok(builder.build()?)
}
