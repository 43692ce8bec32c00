//! PDFs in the organization's look: a month's statement and a call report
//! for a dashboard filter. Laid out and drawn on a blocking thread (a
//! month's itemised calls are CPU work), then sent whole.

use crate::auth::Principal;
use crate::config::Config;
use crate::db;
use crate::domain::statements::month_key;
use crate::domain::{Branding, CallFilter};
use crate::error::AppError;
use crate::pdf::{Look, Rgb};
use chrono::NaiveDate;
use sqlx::PgPool;

/// A document ready to download.
pub struct Pdf {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// The organization's name, colour, logo (PNG or JPEG) and own address.
async fn look(
    pool: &PgPool,
    config: &Config,
    who: &Principal,
    brand: &Branding,
) -> Result<(Look, String), AppError> {
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let logo = db::branding::asset(&mut tx, who.org_id(), "logo").await?;
    tx.commit().await?;
    let mut tx = db::tx::platform(pool, db::PlatformAccess::host_lookup()).await?;
    let subdomain = db::invitations::subdomain(&mut tx, who.org_id()).await?;
    tx.commit().await?;
    let logo = logo.and_then(|a| match a.content_type.as_str() {
        "image/png" => Some((true, std::sync::Arc::new(a.bytes))),
        "image/jpeg" => Some((false, std::sync::Arc::new(a.bytes))),
        _ => None,
    });
    Ok((
        Look {
            name: brand.display_name.clone(),
            primary: Rgb::hex(&brand.primary, Rgb(0x1d, 0x4e, 0xd8)),
            logo,
            address: config.org_url(&subdomain),
        },
        subdomain,
    ))
}

async fn draw<F>(f: F) -> Result<Vec<u8>, AppError>
where
    F: FnOnce() -> Result<Vec<u8>, AppError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| AppError::Internal)?
}

pub async fn statement(
    pool: &PgPool,
    config: &Config,
    who: &Principal,
    brand: &Branding,
    month: NaiveDate,
) -> Result<Pdf, AppError> {
    let s = crate::services::statements::get(pool, who, month).await?;
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let items = db::statements::items(&mut tx, who.org_id(), s.summary.id).await?;
    tx.commit().await?;
    let (look, subdomain) = look(pool, config, who, brand).await?;
    let bytes = draw(move || crate::pdf::statement::render(&look, &s, &items)).await?;
    Ok(Pdf {
        filename: format!("{subdomain}-statement-{}.pdf", month_key(month)),
        bytes,
    })
}

/// How many calls a report lists (the first pages, newest first).
pub const REPORT_CALLS: usize = 500;

pub async fn report(
    pool: &PgPool,
    config: &Config,
    who: &Principal,
    brand: &Branding,
    filter: &CallFilter,
) -> Result<Pdf, AppError> {
    let now = chrono::Utc::now();
    let d = crate::services::dashboard::dashboard(pool, who, filter, now).await?;
    let mut calls = Vec::new();
    let mut after: Option<String> = None;
    while calls.len() < REPORT_CALLS {
        let page = crate::services::dashboard::calls_page(pool, who, filter, after.as_deref(), now)
            .await?;
        calls.extend(page.lines);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    calls.truncate(REPORT_CALLS);
    let (look, subdomain) = look(pool, config, who, brand).await?;
    let (first, last) = (d.first_day, d.last_day);
    let bytes = draw(move || crate::pdf::report::render(&look, &d, &calls)).await?;
    Ok(Pdf {
        filename: format!("{subdomain}-calls-{first}-{last}.pdf"),
        bytes,
    })
}
