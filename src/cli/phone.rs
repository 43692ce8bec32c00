//! Operator commands for phone numbers.

use super::common::{explain, org_by_slug, pool};
use crate::auth::Principal;
use crate::config::Config;
use crate::services;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum NumberCommand {
    /// Record a number callers dial for an organization; prints its id.
    Add {
        #[arg(long = "org")]
        slug: String,
        /// In international format, e.g. +14155550123.
        #[arg(long)]
        number: String,
    },
    /// List an organization's numbers.
    List {
        #[arg(long = "org")]
        slug: String,
    },
}

pub async fn number(config: &Config, cmd: NumberCommand) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    match cmd {
        NumberCommand::Add { slug, number } => {
            let org = org_by_slug(&pool, &slug).await?;
            let id = services::settings::add_number(&pool, &Principal::operator(org.id), &number)
                .await
                .map_err(explain)?;
            println!("{id}");
        }
        NumberCommand::List { slug } => {
            let org = org_by_slug(&pool, &slug).await?;
            let list = services::settings::numbers(&pool, &Principal::operator(org.id))
                .await
                .map_err(explain)?;
            println!("{:<36}  {:<16}  STATUS", "ID", "NUMBER");
            for n in list {
                println!("{:<36}  {:<16}  {}", n.id, n.number, n.status.label());
            }
        }
    }
    Ok(())
}
