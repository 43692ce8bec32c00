//! `callboard statements close|list`: monthly statements from the shell.

use super::common::{explain, org_by_slug, pool};
use crate::auth::Principal;
use crate::config::Config;
use crate::db::PlatformAccess;
use crate::domain::statements::{money, month_key, parse_month};
use crate::services::statements as service;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum StatementsCommand {
    /// Close a month (and any open month before it) for one organization or
    /// every one. Closing a closed month changes nothing.
    Close {
        /// The month, e.g. 2026-11 (in each organization's timezone).
        #[arg(long)]
        month: String,
        /// One organization (its slug); every organization when omitted.
        #[arg(long = "org")]
        slug: Option<String>,
    },
    /// An organization's statements, newest first.
    List {
        #[arg(long = "org")]
        slug: String,
    },
    /// Write a month's statement as PDF to standard output.
    Pdf {
        #[arg(long = "org")]
        slug: String,
        /// The month, e.g. 2026-11.
        #[arg(long)]
        month: String,
    },
}

pub async fn statements(config: &Config, cmd: StatementsCommand) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    match cmd {
        StatementsCommand::Close { month, slug } => {
            let month = parse_month(&month)
                .ok_or_else(|| anyhow::anyhow!("--month must look like 2026-11"))?;
            let orgs = match slug {
                Some(s) => vec![org_by_slug(&pool, &s).await?],
                None => crate::services::orgs::list(&pool, PlatformAccess::operator())
                    .await
                    .map_err(explain)?,
            };
            for org in orgs {
                let done = service::close_through(
                    &pool,
                    PlatformAccess::operator(),
                    org.id,
                    month,
                    "operator",
                )
                .await
                .map_err(explain)?;
                for c in done {
                    let what = if c.made { "closed" } else { "already closed" };
                    println!("{}\t{}\t{what}", org.slug, month_key(c.month));
                }
            }
            Ok(())
        }
        StatementsCommand::Pdf { slug, month } => {
            use std::io::Write;
            let month = parse_month(&month)
                .ok_or_else(|| anyhow::anyhow!("--month must look like 2026-11"))?;
            let org = org_by_slug(&pool, &slug).await?;
            let brand = {
                let mut tx = crate::db::tx::platform(&pool, PlatformAccess::host_lookup())
                    .await
                    .map_err(explain)?;
                let host = crate::db::branding::by_id(&mut tx, org.id)
                    .await
                    .map_err(explain)?
                    .ok_or_else(|| anyhow::anyhow!("no organization {slug}"))?;
                tx.commit().await?;
                host.branding
            };
            let doc = crate::services::documents::statement(
                &pool,
                config,
                &Principal::operator(org.id),
                &brand,
                month,
            )
            .await
            .map_err(explain)?;
            std::io::stdout().write_all(&doc.bytes)?;
            Ok(())
        }
        StatementsCommand::List { slug } => {
            let org = org_by_slug(&pool, &slug).await?;
            let page = service::page(&pool, &Principal::operator(org.id))
                .await
                .map_err(explain)?;
            println!("month\tbillable_calls\ttest_calls\tminutes\tusage\tadjustments\ttotal");
            for s in page.statements {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    month_key(s.month),
                    s.billable_calls,
                    s.test_calls,
                    s.billed_minutes,
                    money(s.usage_cents),
                    money(s.adjustment_cents),
                    money(s.total_cents)
                );
            }
            Ok(())
        }
    }
}
