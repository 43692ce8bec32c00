//! The answer to an inbound call: the organization's settings as dynamic
//! variables for the shared agent's prompt. The platform accepts only
//! strings as values, so every value here is a string, and every variable is
//! always present (an empty string rather than a missing key, so a prompt
//! never shows a raw `{{placeholder}}`).

use crate::domain::hours;
use crate::domain::{
    fill_company, hours_in_words, AgentSettings, DEFAULT_AFTER_HOURS, DEFAULT_WELCOME,
};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// What a number nobody owns is told: a polite, neutral greeting with no
/// organization's data, so a misrouted call still sounds right.
pub const FALLBACK_WELCOME: &str = "Thank you for calling. How can I help you today?";
pub const FALLBACK_AFTER_HOURS: &str =
    "Thanks for calling. I can take a message and make sure it reaches the right person.";

/// The variables for an organization's call at `now`.
pub fn for_tenant(org_id: Uuid, s: &AgentSettings, now: DateTime<Utc>) -> Value {
    let company = s.company_name.trim();
    let message = |text: &str, default: &str| {
        let text = if text.trim().is_empty() {
            default
        } else {
            text
        };
        fill_company(text, company)
    };
    // A stored timezone was valid when saved; should one ever vanish from
    // the database, the default keeps calls answered.
    let tz = crate::domain::time::timezone(&s.timezone).unwrap_or_else(|| {
        crate::domain::time::timezone(crate::domain::DEFAULT_TIMEZONE).expect("default tz")
    });
    let open = hours::is_open(tz, s.business_hours_start, s.business_hours_end, now);
    let vars = [
        ("company_name", company.to_string()),
        (
            "welcome_message",
            message(&s.welcome_message, DEFAULT_WELCOME),
        ),
        (
            "business_hours",
            hours_in_words(s.business_hours_start, s.business_hours_end),
        ),
        ("business_hours_start", s.business_hours_start.to_string()),
        ("business_hours_end", s.business_hours_end.to_string()),
        ("timezone", tz.name().to_string()),
        ("is_business_hours", open.to_string()),
        (
            "after_hours_message",
            message(&s.after_hours_message, DEFAULT_AFTER_HOURS),
        ),
        ("transfer_enabled", s.transfer_enabled.to_string()),
        ("office_phone", s.office_phone.clone()),
        ("tenant_id", org_id.to_string()),
        // The same id under the name prompts written for the phased plan use.
        ("user_id", org_id.to_string()),
    ];
    envelope(vars, Some(org_id))
}

/// The safe generic answer for a number no organization owns.
pub fn fallback() -> Value {
    let vars = [
        ("company_name", String::new()),
        ("welcome_message", FALLBACK_WELCOME.to_string()),
        ("business_hours", String::new()),
        ("business_hours_start", String::new()),
        ("business_hours_end", String::new()),
        ("timezone", String::new()),
        ("is_business_hours", "false".to_string()),
        ("after_hours_message", FALLBACK_AFTER_HOURS.to_string()),
        ("transfer_enabled", "false".to_string()),
        ("office_phone", String::new()),
        ("tenant_id", String::new()),
        ("user_id", String::new()),
    ];
    envelope(vars, None)
}

fn envelope<const N: usize>(vars: [(&str, String); N], tenant: Option<Uuid>) -> Value {
    let dynamic: Map<String, Value> = vars
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v)))
        .collect();
    let mut inbound = json!({ "dynamic_variables": dynamic });
    if let Some(org) = tenant {
        inbound["metadata"] = json!({ "tenant_id": org.to_string() });
    }
    json!({ "call_inbound": inbound })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Carrier, ForwardingMode};

    fn settings() -> AgentSettings {
        AgentSettings {
            company_name: "Cactus Flats Shuttle".into(),
            operator_name: "Dana".into(),
            operator_phone: String::new(),
            operator_email: String::new(),
            timezone: "America/Phoenix".into(),
            welcome_message: "Hi, this is {{company_name}}!".into(),
            after_hours_message: String::new(),
            business_hours_start: 6,
            business_hours_end: 22,
            transfer_enabled: true,
            forwarding_mode: ForwardingMode::AfterHours,
            office_phone: "+15205550005".into(),
            carrier: Carrier::Twilio,
        }
    }

    fn vars(v: &Value) -> &Map<String, Value> {
        v["call_inbound"]["dynamic_variables"].as_object().unwrap()
    }

    #[test]
    fn every_variable_is_a_string() {
        let org = Uuid::new_v4();
        let now = "2026-07-01T12:00:00Z".parse().unwrap();
        // `user_id` is the organization's id too, for prompts written to the seed.
        assert_eq!(
            vars(&for_tenant(org, &settings(), now))["user_id"],
            org.to_string()
        );
        for answer in [for_tenant(org, &settings(), now), fallback()] {
            let vars = vars(&answer);
            assert_eq!(vars.len(), 12);
            for (k, v) in vars {
                assert!(v.is_string(), "{k} is {v}");
            }
        }
    }

    #[test]
    fn tenant_variables_are_filled_in() {
        let org = Uuid::new_v4();
        // 05:30 in Phoenix: closed.
        let answer = for_tenant(org, &settings(), "2026-07-01T12:30:00Z".parse().unwrap());
        let v = vars(&answer);
        assert_eq!(v["welcome_message"], "Hi, this is Cactus Flats Shuttle!");
        assert_eq!(v["business_hours"], "6 AM to 10 PM");
        assert_eq!(v["business_hours_start"], "6");
        assert_eq!(v["business_hours_end"], "22");
        assert_eq!(v["is_business_hours"], "false");
        assert_eq!(v["transfer_enabled"], "true");
        assert_eq!(v["tenant_id"], org.to_string());
        assert_eq!(
            answer["call_inbound"]["metadata"]["tenant_id"],
            org.to_string()
        );
        assert!(v["after_hours_message"]
            .as_str()
            .unwrap()
            .starts_with("Thanks for calling Cactus Flats Shuttle."));
    }

    #[test]
    fn the_fallback_names_nobody() {
        let answer = fallback();
        assert!(answer["call_inbound"].get("metadata").is_none());
        assert_eq!(vars(&answer)["tenant_id"], "");
    }
}
