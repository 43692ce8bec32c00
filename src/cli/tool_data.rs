//! Operator commands for an organization's reservations and drivers: import
//! a CSV (the same service as the page), find a reservation.

use super::common::{explain, org_by_slug, pool};
use crate::auth::Principal;
use crate::config::Config;
use crate::domain::tool_import::Kind;
use crate::services::tool_import::{self, Mode};
use anyhow::Context;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum ReservationCommand {
    /// Import reservations from a CSV file (merged by confirmation number,
    /// or replacing them all with --replace); nothing is stored if any row
    /// has a problem.
    Import {
        #[arg(long = "org")]
        slug: String,
        #[arg(long)]
        file: std::path::PathBuf,
        #[arg(long)]
        replace: bool,
    },
    /// Find a reservation by confirmation number (spaces, dashes and case do
    /// not matter) and print what the voice agent would say.
    Find {
        #[arg(long = "org")]
        slug: String,
        #[arg(long)]
        confirmation: String,
    },
}

#[derive(Subcommand)]
pub enum DriverCommand {
    /// Import drivers from a CSV file (merged by name, or --replace).
    Import {
        #[arg(long = "org")]
        slug: String,
        #[arg(long)]
        file: std::path::PathBuf,
        #[arg(long)]
        replace: bool,
    },
}

async fn import(
    config: &Config,
    kind: Kind,
    slug: &str,
    file: &std::path::Path,
    replace: bool,
) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    let org = org_by_slug(&pool, slug).await?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let mode = if replace { Mode::Replace } else { Mode::Merge };
    let who = Principal::operator(org.id);
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match tool_import::import(&pool, &who, kind, mode, &name, &bytes).await {
        Ok(p) => {
            println!("imported {} {} ({})", p.rows, kind.as_str(), mode.as_str());
            if !p.ignored_columns.is_empty() {
                println!("ignored columns: {}", p.ignored_columns.join(", "));
            }
            Ok(())
        }
        Err((e, preview)) => {
            // Every row problem, one a line, before the summary.
            for err in preview.iter().flat_map(|p| &p.errors) {
                eprintln!("line {}, {}: {}", err.line, err.column, err.message);
            }
            Err(explain(e))
        }
    }
}

pub async fn reservations(config: &Config, cmd: ReservationCommand) -> anyhow::Result<()> {
    match cmd {
        ReservationCommand::Import {
            slug,
            file,
            replace,
        } => import(config, Kind::Reservations, &slug, &file, replace).await,
        ReservationCommand::Find { slug, confirmation } => {
            let pool = pool(config).await?;
            let org = org_by_slug(&pool, &slug).await?;
            let said = tool_import::find(&pool, &Principal::operator(org.id), &confirmation)
                .await
                .map_err(explain)?;
            println!("{said}");
            Ok(())
        }
    }
}

pub async fn drivers(config: &Config, cmd: DriverCommand) -> anyhow::Result<()> {
    match cmd {
        DriverCommand::Import {
            slug,
            file,
            replace,
        } => import(config, Kind::Drivers, &slug, &file, replace).await,
    }
}
