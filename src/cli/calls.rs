//! `callboard calls export`: an organization's calls as CSV on stdout, the
//! same columns and rules as the dashboard's download.

use super::common::{explain, org_by_slug, pool};
use crate::auth::Principal;
use crate::config::Config;
use crate::domain::{CallFilter, CallKind, Period};
use chrono::NaiveDate;
use clap::Subcommand;
use tokio::io::AsyncWriteExt;

#[derive(Subcommand)]
pub enum CallsCommand {
    /// Write an organization's calls as CSV to standard output, newest first.
    Export {
        #[arg(long = "org")]
        slug: String,
        /// First day, in the organization's timezone (default: every call).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last day, included (default: today).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Only billable (`true`) or only test (`false`) calls.
        #[arg(long)]
        billable: Option<bool>,
    },
}

pub async fn calls(config: &Config, cmd: CallsCommand) -> anyhow::Result<()> {
    let CallsCommand::Export {
        slug,
        from,
        to,
        billable,
    } = cmd;
    let pool = pool(config).await?;
    let org = org_by_slug(&pool, &slug).await?;
    let now = chrono::Utc::now();
    // Far enough back for any call; "today" is resolved in the org's zone
    // by the period, so a missing end date means "up to now".
    let to = to.unwrap_or_else(|| (now + chrono::Days::new(1)).date_naive());
    let from = from.unwrap_or(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default());
    if from > to {
        anyhow::bail!("--from must be on or before --to");
    }
    let filter = CallFilter {
        period: Period::Custom { from, to },
        kind: match billable {
            None => CallKind::All,
            Some(true) => CallKind::Billable,
            Some(false) => CallKind::Test,
        },
        ..Default::default()
    };
    let who = Principal::operator(org.id);
    let mut export = crate::services::export::start(&pool, &who, &org.slug, &filter, now)
        .await
        .map_err(explain)?;
    let mut out = tokio::io::stdout();
    while let Some(chunk) = export.chunks.recv().await {
        out.write_all(&chunk.map_err(explain)?).await?;
    }
    out.flush().await?;
    Ok(())
}
