//! Agent settings. Every query runs in the organization's
//! tenant transaction; every change is audited and announced (`config`
//! notification) so every server process answers the next call with it.

use crate::auth::Principal;
use crate::db::{self, audit::Entry};
use crate::domain::{
    e164, validate, AgentSettings, Carrier, ForwardingMode, SettingsForm, SettingsPage,
    MAX_MESSAGE_CHARS,
};
use crate::error::{AppError, FieldError};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;

/// The settings page for any member; `can_edit` for admins. Before the first
/// save it shows the defaults, made from the organization's name and the
/// reader's address.
pub async fn page(pool: &PgPool, who: &Principal) -> Result<SettingsPage, AppError> {
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let saved = db::settings::get(&mut tx, org_id).await?;
    let numbers = db::numbers::list(&mut tx, org_id).await?;
    let (settings, updated_at) = match saved {
        Some((s, at)) => (s, Some(at)),
        None => {
            let org = db::orgs::get(&mut tx, org_id).await?;
            (AgentSettings::defaults(&org.name, &who.email), None)
        }
    };
    tx.commit().await?;
    Ok(SettingsPage {
        settings,
        saved: updated_at.is_some(),
        updated_at,
        can_edit: who.is_admin(),
        numbers,
        timezones: crate::domain::time::timezone_names(),
    })
}

/// Checks the form field by field; on success, the settings to store.
pub fn parse(form: &SettingsForm) -> Result<AgentSettings, AppError> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.into(),
            message,
        })
    };
    let text = |v: &str| v.trim().to_string();

    let company_name = text(&form.company_name);
    if company_name.is_empty() {
        fail(
            "company_name",
            "Enter the company name callers should hear.".into(),
        );
    } else if company_name.chars().count() > 120 {
        fail("company_name", "At most 120 characters.".into());
    }
    let operator_name = text(&form.operator_name);
    if operator_name.chars().count() > 120 {
        fail("operator_name", "At most 120 characters.".into());
    }
    let mut phone = |field: &str, value: &str| -> String {
        let value = value.trim();
        if value.is_empty() {
            return String::new();
        }
        e164(value).unwrap_or_else(|m| {
            fail(field, m);
            value.to_string()
        })
    };
    let operator_phone = phone("operator_phone", &form.operator_phone);
    let office_phone = phone("office_phone", &form.office_phone);
    let operator_email = text(&form.operator_email);
    if !operator_email.is_empty() {
        if let Err(m) = validate::email(&operator_email) {
            fail("operator_email", m);
        }
    }
    let timezone = text(&form.timezone);
    if crate::domain::time::timezone(&timezone).is_none() {
        fail(
            "timezone",
            "Choose a timezone from the list, e.g. America/Phoenix.".into(),
        );
    }
    for (field, value) in [
        ("welcome_message", &form.welcome_message),
        ("after_hours_message", &form.after_hours_message),
    ] {
        if value.chars().count() > MAX_MESSAGE_CHARS {
            fail(field, format!("At most {MAX_MESSAGE_CHARS} characters."));
        }
    }
    let mut hour = |field: &str, value: &str| -> u8 {
        match value.trim().parse::<u8>() {
            Ok(h) if h < 24 => h,
            _ => {
                fail(field, "Choose an hour from the list.".into());
                0
            }
        }
    };
    let business_hours_start = hour("business_hours_start", &form.business_hours_start);
    let business_hours_end = hour("business_hours_end", &form.business_hours_end);
    let forwarding_mode = ForwardingMode::parse(form.forwarding_mode.trim()).unwrap_or_else(|| {
        fail(
            "forwarding_mode",
            "Choose when calls go to the agent.".into(),
        );
        ForwardingMode::Always
    });
    if forwarding_mode.needs_office_phone() && form.office_phone.trim().is_empty() {
        fail(
            "office_phone",
            format!(
                "Enter the office number that rings first in \u{201c}{}\u{201d} mode.",
                forwarding_mode.label()
            ),
        );
    }
    let carrier = Carrier::parse(form.carrier.trim()).unwrap_or_else(|| {
        fail("carrier", "Choose your phone provider.".into());
        Carrier::Other
    });
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    Ok(AgentSettings {
        company_name,
        operator_name,
        operator_phone,
        operator_email,
        timezone,
        welcome_message: text(&form.welcome_message),
        after_hours_message: text(&form.after_hours_message),
        business_hours_start,
        business_hours_end,
        transfer_enabled: form.transfer_enabled.is_some(),
        forwarding_mode,
        office_phone,
        carrier,
    })
}

/// The names of the settings that differ (for the audit log; values of
/// messages can be long, so only names are recorded).
fn changed(before: Option<&AgentSettings>, after: &AgentSettings) -> Vec<&'static str> {
    let Some(b) = before else {
        return vec!["created"];
    };
    let pairs: [(&'static str, bool); 13] = [
        ("company_name", b.company_name != after.company_name),
        ("operator_name", b.operator_name != after.operator_name),
        ("operator_phone", b.operator_phone != after.operator_phone),
        ("operator_email", b.operator_email != after.operator_email),
        ("timezone", b.timezone != after.timezone),
        (
            "welcome_message",
            b.welcome_message != after.welcome_message,
        ),
        (
            "after_hours_message",
            b.after_hours_message != after.after_hours_message,
        ),
        (
            "business_hours_start",
            b.business_hours_start != after.business_hours_start,
        ),
        (
            "business_hours_end",
            b.business_hours_end != after.business_hours_end,
        ),
        (
            "transfer_enabled",
            b.transfer_enabled != after.transfer_enabled,
        ),
        (
            "forwarding_mode",
            b.forwarding_mode != after.forwarding_mode,
        ),
        ("office_phone", b.office_phone != after.office_phone),
        ("carrier", b.carrier != after.carrier),
    ];
    pairs
        .into_iter()
        .filter_map(|(name, differs)| differs.then_some(name))
        .collect()
}

/// Validates and stores the settings (the first save creates them).
/// Returns when they were saved.
pub async fn save(
    pool: &PgPool,
    who: &Principal,
    form: &SettingsForm,
) -> Result<DateTime<Utc>, AppError> {
    let settings = parse(form)?;
    let org_id = who.org_id();
    let mut tx = db::tx::tenant(pool, &who.tenant).await?;
    let before = db::settings::get(&mut tx, org_id).await?;
    db::settings::put(&mut tx, org_id, &settings).await?;
    let entry = Entry {
        org_id: Some(org_id),
        action: "agent_settings.save",
        target: None,
        metadata: json!({ "changed": changed(before.as_ref().map(|(s, _)| s), &settings) }),
    };
    db::audit::record(&mut tx, &who.actor, entry).await?;
    let (_, saved_at) = db::settings::get(&mut tx, org_id)
        .await?
        .ok_or(AppError::Internal)?;
    db::notify::commit_config(tx, org_id).await?;
    Ok(saved_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SettingsForm {
        SettingsForm {
            company_name: " Cactus Flats Shuttle ".into(),
            timezone: "America/Phoenix".into(),
            business_hours_start: "6".into(),
            business_hours_end: "22".into(),
            transfer_enabled: Some("on".into()),
            forwarding_mode: "after_hours".into(),
            office_phone: "+1 (520) 555-0005".into(),
            carrier: "twilio".into(),
            ..SettingsForm::default()
        }
    }

    #[test]
    fn a_good_form_is_normalised() {
        let s = parse(&form()).unwrap();
        assert_eq!(s.company_name, "Cactus Flats Shuttle");
        assert_eq!(s.office_phone, "+15205550005");
        assert_eq!(s.forwarding_mode, ForwardingMode::AfterHours);
        assert!(s.transfer_enabled);
        let off = SettingsForm {
            transfer_enabled: None,
            ..form()
        };
        assert!(!parse(&off).unwrap().transfer_enabled);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = SettingsForm {
            company_name: "  ".into(),
            operator_phone: "555-0100".into(),
            operator_email: "not-an-email".into(),
            timezone: "Mars/Base".into(),
            welcome_message: "x".repeat(MAX_MESSAGE_CHARS + 1),
            business_hours_start: "24".into(),
            business_hours_end: "ten".into(),
            office_phone: String::new(),
            carrier: "carrier-pigeon".into(),
            ..form()
        };
        let err = parse(&bad).unwrap_err();
        for field in [
            "company_name",
            "operator_phone",
            "operator_email",
            "timezone",
            "welcome_message",
            "business_hours_start",
            "business_hours_end",
            "office_phone",
            "carrier",
        ] {
            assert!(err.field_message(field).is_some(), "{field}: {err:?}");
        }
    }

    #[test]
    fn office_phone_is_optional_only_when_every_call_goes_to_the_agent() {
        let always = SettingsForm {
            forwarding_mode: "always".into(),
            office_phone: String::new(),
            ..form()
        };
        assert!(parse(&always).is_ok());
        let overflow = SettingsForm {
            forwarding_mode: "overflow".into(),
            ..always
        };
        assert!(parse(&overflow)
            .unwrap_err()
            .field_message("office_phone")
            .is_some());
    }

    #[test]
    fn changes_are_named() {
        let a = parse(&form()).unwrap();
        let mut b = a.clone();
        b.welcome_message = "Hello".into();
        b.business_hours_end = 20;
        assert_eq!(
            changed(Some(&a), &b),
            vec!["welcome_message", "business_hours_end"]
        );
        assert_eq!(changed(None, &a), vec!["created"]);
    }
}
