//! Agent settings (a tenant table, one row per organization).

use crate::domain::{AgentSettings, Carrier, ForwardingMode};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct Row {
    company_name: String,
    operator_name: Option<String>,
    operator_phone: Option<String>,
    operator_email: Option<String>,
    timezone: String,
    welcome_message: Option<String>,
    after_hours_message: Option<String>,
    business_hours_start: i16,
    business_hours_end: i16,
    transfer_enabled: bool,
    forwarding_mode: String,
    office_phone: Option<String>,
    carrier: String,
    updated_at: DateTime<Utc>,
}

impl From<Row> for (AgentSettings, DateTime<Utc>) {
    fn from(r: Row) -> Self {
        // The table's CHECKs keep hours in 0–23 and modes/carriers known.
        let hour = |h: i16| u8::try_from(h.clamp(0, 23)).unwrap_or(0);
        let settings = AgentSettings {
            company_name: r.company_name,
            operator_name: r.operator_name.unwrap_or_default(),
            operator_phone: r.operator_phone.unwrap_or_default(),
            operator_email: r.operator_email.unwrap_or_default(),
            timezone: r.timezone,
            welcome_message: r.welcome_message.unwrap_or_default(),
            after_hours_message: r.after_hours_message.unwrap_or_default(),
            business_hours_start: hour(r.business_hours_start),
            business_hours_end: hour(r.business_hours_end),
            transfer_enabled: r.transfer_enabled,
            forwarding_mode: ForwardingMode::parse(&r.forwarding_mode).unwrap_or_default(),
            office_phone: r.office_phone.unwrap_or_default(),
            carrier: Carrier::parse(&r.carrier).unwrap_or_default(),
        };
        (settings, r.updated_at)
    }
}

/// The organization's settings and when they were last saved, if ever.
pub async fn get(
    conn: &mut PgConnection,
    org_id: Uuid,
) -> Result<Option<(AgentSettings, DateTime<Utc>)>, AppError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT company_name, operator_name, operator_phone, operator_email, timezone,
                welcome_message, after_hours_message, business_hours_start, business_hours_end,
                transfer_enabled, forwarding_mode, office_phone, carrier, updated_at
           FROM agent_settings WHERE organization_id = $1",
    )
    .bind(org_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Into::into))
}

/// Creates or replaces the organization's settings. Empty optional texts are
/// stored as NULL.
pub async fn put(conn: &mut PgConnection, org_id: Uuid, s: &AgentSettings) -> Result<(), AppError> {
    let opt = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    sqlx::query(
        "INSERT INTO agent_settings
            (organization_id, company_name, operator_name, operator_phone, operator_email,
             timezone, welcome_message, after_hours_message, business_hours_start,
             business_hours_end, transfer_enabled, forwarding_mode, office_phone, carrier)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (organization_id) DO UPDATE SET
            company_name = EXCLUDED.company_name, operator_name = EXCLUDED.operator_name,
            operator_phone = EXCLUDED.operator_phone, operator_email = EXCLUDED.operator_email,
            timezone = EXCLUDED.timezone, welcome_message = EXCLUDED.welcome_message,
            after_hours_message = EXCLUDED.after_hours_message,
            business_hours_start = EXCLUDED.business_hours_start,
            business_hours_end = EXCLUDED.business_hours_end,
            transfer_enabled = EXCLUDED.transfer_enabled,
            forwarding_mode = EXCLUDED.forwarding_mode, office_phone = EXCLUDED.office_phone,
            carrier = EXCLUDED.carrier, updated_at = now()",
    )
    .bind(org_id)
    .bind(s.company_name.trim())
    .bind(opt(&s.operator_name))
    .bind(opt(&s.operator_phone))
    .bind(opt(&s.operator_email))
    .bind(&s.timezone)
    .bind(opt(&s.welcome_message))
    .bind(opt(&s.after_hours_message))
    .bind(i16::from(s.business_hours_start))
    .bind(i16::from(s.business_hours_end))
    .bind(s.transfer_enabled)
    .bind(s.forwarding_mode.as_str())
    .bind(opt(&s.office_phone))
    .bind(s.carrier.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// The organization's timezone name, if its settings were ever saved.
pub async fn timezone(conn: &mut PgConnection, org_id: Uuid) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT timezone FROM agent_settings WHERE organization_id = $1")
            .bind(org_id)
            .fetch_optional(conn)
            .await?,
    )
}
