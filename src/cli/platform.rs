//! Operator commands for the platform's own settings.

use super::common::{explain, keyring, pool};
use super::ops::read_secret;
use crate::config::Config;
use crate::db::{audit::Actor, PlatformAccess};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum PlatformCommand {
    /// Store the agency's shared voice-platform API key (read from standard
    /// input), used by every organization without a key of its own.
    SetRetellKey,
    /// Show whether a shared key is stored (its last four characters).
    ShowRetellKey,
}

pub async fn platform(config: &Config, cmd: PlatformCommand) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    match cmd {
        PlatformCommand::SetRetellKey => {
            let key = read_secret("API key", "no API key on standard input")?;
            let keys = keyring(config)?;
            let last4 = crate::services::shared_key::set(
                &pool,
                PlatformAccess::operator(),
                &Actor::operator(),
                &keys,
                &key,
            )
            .await
            .map_err(explain)?;
            println!("stored the shared key ending in {last4}");
        }
        PlatformCommand::ShowRetellKey => {
            match crate::services::shared_key::status(&pool, PlatformAccess::operator())
                .await
                .map_err(explain)?
            {
                Some((last4, at)) => println!("shared key ending in {last4}, stored {at}"),
                None => println!("no shared key"),
            }
        }
    }
    Ok(())
}
