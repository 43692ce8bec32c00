use super::common::{explain, org_by_slug, pool};
use crate::auth::Principal;
use crate::config::Config;
use crate::db::{self, audit::Actor, PlatformAccess};
use crate::domain::{OrgStatus, Role};
use crate::services::{self, orgs::OrgInput};
use anyhow::{anyhow, Context};
use clap::Subcommand;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Create an organization; prints its id.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        slug: String,
        /// Defaults to the slug.
        #[arg(long)]
        subdomain: Option<String>,
    },
    /// List organizations.
    List,
    /// Suspend an organization: its users can no longer sign in.
    Suspend {
        #[arg(long = "org")]
        slug: String,
    },
    /// Delete an organization and everything it holds (calls in short
    /// steps; other organizations keep working). The audit log keeps a line.
    Delete {
        #[arg(long = "org")]
        slug: String,
        /// The slug again, to confirm.
        #[arg(long)]
        confirm: String,
    },
    /// Lift a suspension.
    Reactivate {
        #[arg(long = "org")]
        slug: String,
    },
    /// Store the organization's voice platform API key, read from standard input.
    SetRetellKey {
        #[arg(long = "org")]
        slug: String,
    },
    /// Set the organization's branding: colours, display name, logo, favicon.
    Brand {
        #[arg(long = "org")]
        slug: String,
        /// Name shown in the portal (empty: the organization's name).
        #[arg(long)]
        name: Option<String>,
        /// `#rrggbb`.
        #[arg(long)]
        primary: Option<String>,
        /// `#rrggbb`.
        #[arg(long)]
        secondary: Option<String>,
        /// A PNG, JPEG or SVG file, at most 1 MB.
        #[arg(long)]
        logo: Option<std::path::PathBuf>,
        #[arg(long)]
        favicon: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user; the password comes from --password or standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Add a user to an organization, or change their role there.
    AddMember {
        #[arg(long)]
        email: String,
        #[arg(long = "org")]
        slug: String,
        #[arg(long, value_parser = ["admin", "viewer"])]
        role: String,
    },
}

pub fn password_arg(given: Option<String>) -> anyhow::Result<String> {
    match given {
        Some(p) => Ok(p),
        None => read_secret(
            "Password",
            "no password given (use --password or pipe it on standard input)",
        ),
    }
}

/// Reads one line from standard input (prompting on a terminal).
pub fn read_secret(prompt: &str, missing: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}: ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading standard input")?;
    let value = line.trim_end_matches(['\r', '\n']).to_string();
    if value.is_empty() {
        anyhow::bail!("{missing}");
    }
    Ok(value)
}

pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&config.database_admin_url)
        .await
        .context("connecting with DATABASE_ADMIN_URL")?;
    db::MIGRATOR
        .run(&pool)
        .await
        .context("applying migrations")?;
    println!("migrations are up to date");
    Ok(())
}

pub async fn create_super_admin(
    config: &Config,
    email: &str,
    password: String,
) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    let id = services::users::ensure_super_admin(
        &pool,
        PlatformAccess::operator(),
        &Actor::operator(),
        email,
        password,
    )
    .await
    .map_err(explain)?;
    println!("{id}");
    Ok(())
}

pub async fn org(config: &Config, cmd: OrgCommand) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    let access = PlatformAccess::operator();
    let actor = Actor::operator();
    match cmd {
        OrgCommand::Create {
            name,
            slug,
            subdomain,
        } => {
            let input = OrgInput {
                name,
                slug,
                subdomain: subdomain.unwrap_or_default(),
                custom_domain: String::new(),
            };
            let org = services::orgs::create(&pool, access, &actor, &input)
                .await
                .map_err(explain)?;
            println!("{}", org.id);
        }
        OrgCommand::List => {
            let orgs = services::orgs::list(&pool, access).await.map_err(explain)?;
            println!(
                "{:<36}  {:<20}  {:<10}  {:>7}  NAME",
                "ID", "SLUG", "STATUS", "MEMBERS"
            );
            for o in orgs {
                println!(
                    "{:<36}  {:<20}  {:<10}  {:>7}  {}",
                    o.id,
                    o.slug,
                    o.status.as_str(),
                    o.members,
                    o.name
                );
            }
        }
        OrgCommand::Suspend { slug } => {
            let org = org_by_slug(&pool, &slug).await?;
            services::orgs::set_status(&pool, access, &actor, org.id, OrgStatus::Suspended)
                .await
                .map_err(explain)?;
            println!("suspended {slug}");
        }
        OrgCommand::Delete { slug, confirm } => {
            let org = org_by_slug(&pool, &slug).await?;
            let started = std::time::Instant::now();
            services::orgs::delete(&pool, access, &actor, org.id, &confirm)
                .await
                .map_err(explain)?;
            println!("deleted {slug} in {:.1} s", started.elapsed().as_secs_f64());
        }
        OrgCommand::Reactivate { slug } => {
            let org = org_by_slug(&pool, &slug).await?;
            services::orgs::set_status(&pool, access, &actor, org.id, OrgStatus::Active)
                .await
                .map_err(explain)?;
            println!("reactivated {slug}");
        }
        OrgCommand::Brand {
            slug,
            name,
            primary,
            secondary,
            logo,
            favicon,
        } => {
            let org = org_by_slug(&pool, &slug).await?;
            let now = services::branding::editor(&pool, access, org.id)
                .await
                .map_err(explain)?;
            services::branding::set_look(
                &pool,
                access,
                &actor,
                org.id,
                &name.unwrap_or(now.brand_name),
                &primary.unwrap_or(now.branding.primary),
                &secondary.unwrap_or(now.branding.secondary),
            )
            .await
            .map_err(explain)?;
            for (kind, file) in [
                (services::branding::AssetKind::Logo, logo),
                (services::branding::AssetKind::Favicon, favicon),
            ] {
                if let Some(path) = file {
                    let bytes = std::fs::read(&path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    services::branding::set_asset(&pool, access, &actor, org.id, kind, &bytes)
                        .await
                        .map_err(|e| match e.field_message("file") {
                            Some(code) => anyhow!(
                                "{}: {}",
                                path.display(),
                                crate::domain::image_problem_message(&code)
                            ),
                            None => explain(e),
                        })?;
                }
            }
            println!("updated the branding of {slug}");
        }
        OrgCommand::SetRetellKey { slug } => {
            let org = org_by_slug(&pool, &slug).await?;
            let key = read_secret("API key", "no key given (pipe it on standard input)")?;
            let keys = super::common::keyring(config)?;
            let last4 =
                services::agents::set_api_key(&pool, &keys, &Principal::operator(org.id), &key)
                    .await
                    .map_err(explain)?;
            println!("stored the API key for {slug} (ends in …{last4})");
        }
    }
    Ok(())
}

pub async fn user(config: &Config, cmd: UserCommand) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    let access = PlatformAccess::operator();
    let actor = Actor::operator();
    match cmd {
        UserCommand::Create { email, password } => {
            let password = password_arg(password)?;
            let id = services::users::create(&pool, access, &actor, &email, password, false)
                .await
                .map_err(explain)?;
            println!("{id}");
        }
        UserCommand::AddMember { email, slug, role } => {
            let org = org_by_slug(&pool, &slug).await?;
            let role = Role::parse(&role).ok_or_else(|| anyhow!("role must be admin or viewer"))?;
            services::users::add_member(&pool, access, &actor, org.id, &email, role, None)
                .await
                .map_err(explain)?;
            println!("{email} is now {} of {slug}", role.as_str());
        }
    }
    Ok(())
}
