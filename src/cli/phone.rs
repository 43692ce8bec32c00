//! Operator commands for phone numbers: connect them to the voice platform
//! (the same service as the console), disconnect, check, list; and `add`,
//! which records a number without the platform (demo data, load tests).

use super::common::{explain, keyring, org_by_slug, pool};
use super::ops::read_secret;
use crate::auth::Principal;
use crate::config::Config;
use crate::domain::numbers::NumberForm;
use crate::retell::client::Client;
use crate::services::{self, numbers::Platform};
use clap::Subcommand;
use uuid::Uuid;

#[derive(Subcommand)]
pub enum NumberCommand {
    /// Import a number into the voice platform, pointed at this server and
    /// answered by an agent of the organization; the SIP password (if the
    /// trunk uses one) is read from standard input.
    Connect {
        #[arg(long = "org")]
        slug: String,
        /// In international format, e.g. +14155550123.
        #[arg(long)]
        number: String,
        #[arg(long)]
        termination_uri: String,
        /// twilio, telnyx or other.
        #[arg(long, default_value = "other")]
        provider: String,
        #[arg(long)]
        sip_username: Option<String>,
        /// The answering agent (its id on the Agents page); the
        /// organization's only agent when omitted.
        #[arg(long)]
        agent: Option<Uuid>,
    },
    /// Release a number from the voice platform and forget it.
    Disconnect {
        #[arg(long = "org")]
        slug: String,
        #[arg(long)]
        number: String,
    },
    /// Ask the voice platform about each of the organization's numbers.
    Check {
        #[arg(long = "org")]
        slug: String,
    },
    /// List an organization's numbers with their status.
    List {
        #[arg(long = "org")]
        slug: String,
    },
    /// Record a number without asking the voice platform (demo data, load
    /// tests); it stays pending until a signed call arrives for it.
    Add {
        #[arg(long = "org")]
        slug: String,
        #[arg(long)]
        number: String,
    },
}

pub async fn number(config: &Config, cmd: NumberCommand) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    // Only the commands that call the platform need the encryption key.
    let parts = || -> anyhow::Result<Parts> {
        Ok(Parts(
            keyring(config)?,
            Client::new(&config.retell_api_base),
            config.public_url.clone(),
        ))
    };
    match cmd {
        NumberCommand::Connect {
            slug,
            number,
            termination_uri,
            provider,
            sip_username,
            agent,
        } => {
            let org = org_by_slug(&pool, &slug).await?;
            let who = Principal::operator(org.id);
            let sip_password = match sip_username {
                Some(_) => Some(read_secret(
                    "SIP password",
                    "no SIP password on standard input",
                )?),
                None => None,
            };
            let agent_id = match agent {
                Some(a) => Some(a),
                None => only_agent(&pool, &who).await?,
            };
            let form = NumberForm {
                number,
                termination_uri,
                provider,
                sip_username,
                sip_password,
                clear_sip_password: false,
                agent_id,
            };
            let parts = parts()?;
            let n = services::numbers::connect(&pool, parts.platform(), &who, &form)
                .await
                .map_err(explain)?;
            println!("{}  {}  {}", n.id, n.number, n.status.label());
        }
        NumberCommand::Disconnect { slug, number } => {
            let org = org_by_slug(&pool, &slug).await?;
            let who = Principal::operator(org.id);
            let id = find(&pool, &who, &number).await?;
            let parts = parts()?;
            services::numbers::disconnect(&pool, parts.platform(), &who, id)
                .await
                .map_err(explain)?;
            println!("released {number}");
        }
        NumberCommand::Check { slug } => {
            let org = org_by_slug(&pool, &slug).await?;
            let who = Principal::operator(org.id);
            let parts = parts()?;
            for n in services::numbers::list(&pool, &who)
                .await
                .map_err(explain)?
            {
                let n = services::numbers::check(&pool, parts.platform(), &who, n.id)
                    .await
                    .map_err(explain)?;
                print_line(&n);
            }
        }
        NumberCommand::List { slug } => {
            let org = org_by_slug(&pool, &slug).await?;
            let list = services::numbers::list(&pool, &Principal::operator(org.id))
                .await
                .map_err(explain)?;
            println!("{:<36}  {:<16}  {:<10}  DETAIL", "ID", "NUMBER", "STATUS");
            for n in list {
                print_line(&n);
            }
        }
        NumberCommand::Add { slug, number } => {
            let org = org_by_slug(&pool, &slug).await?;
            let id = services::numbers::record(&pool, &Principal::operator(org.id), &number)
                .await
                .map_err(explain)?;
            println!("{id}");
        }
    }
    Ok(())
}

/// What calling the platform takes, owned here and lent to the service.
struct Parts(crate::crypto::Keyring, Client, String);

impl Parts {
    fn platform(&self) -> Platform<'_> {
        Platform {
            keys: &self.0,
            voice: &self.1,
            public_url: &self.2,
        }
    }
}

fn print_line(n: &crate::domain::PhoneNumber) {
    let detail = n
        .last_error
        .clone()
        .or_else(|| n.agent_name.as_ref().map(|a| format!("answered by {a}")))
        .unwrap_or_default();
    println!(
        "{:<36}  {:<16}  {:<10}  {detail}",
        n.id,
        n.number,
        n.status.label()
    );
}

async fn find(pool: &sqlx::PgPool, who: &Principal, number: &str) -> anyhow::Result<Uuid> {
    let wanted = crate::domain::e164(number).map_err(anyhow::Error::msg)?;
    services::numbers::list(pool, who)
        .await
        .map_err(explain)?
        .into_iter()
        .find(|n| n.number == wanted)
        .map(|n| n.id)
        .ok_or_else(|| anyhow::anyhow!("the organization has no number {wanted}"))
}

async fn only_agent(pool: &sqlx::PgPool, who: &Principal) -> anyhow::Result<Option<Uuid>> {
    let page = services::numbers::page(pool, who).await.map_err(explain)?;
    match page.agents.as_slice() {
        [(id, _)] => Ok(Some(*id)),
        [] => {
            anyhow::bail!("the organization has no agent to answer the number; register one first")
        }
        _ => anyhow::bail!("the organization has several agents: choose one with --agent"),
    }
}
