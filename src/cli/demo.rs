//! Demo data: a super admin and two fictional clients with different looks,
//! an admin and a viewer in each. Safe to run again: existing records are
//! kept and every demo password is reset and printed.

use super::common::{explain, pool};
use crate::auth::Principal;
use crate::config::Config;
use crate::db::{self, audit::Actor, PlatformAccess};
use crate::domain::Role;
use crate::error::AppError;
use crate::services::{self, orgs::OrgInput};
use rand::distributions::{Alphanumeric, DistString};
use sqlx::PgPool;

pub const SUPER_ADMIN_EMAIL: &str = "admin@callboard.localhost";

struct DemoOrg {
    name: &'static str,
    slug: &'static str,
    admin: &'static str,
    viewer: &'static str,
    /// Agent settings: the number callers dial, timezone, hours, mode.
    number: &'static str,
    timezone: &'static str,
    hours: (u8, u8),
    mode: &'static str,
    office: &'static str,
    /// Branding: colours and an SVG logo (also the favicon).
    primary: &'static str,
    secondary: &'static str,
    logo: &'static str,
}

const ORGS: [DemoOrg; 2] = [
    DemoOrg {
        name: "Mesa Verde Shuttle Co.",
        slug: "mesa-shuttle",
        admin: "dispatch@mesa-shuttle.example",
        viewer: "driver-lead@mesa-shuttle.example",
        number: "+15205550142",
        timezone: "America/Phoenix",
        hours: (6, 22),
        mode: "after_hours",
        office: "+15205550100",
        primary: "#c2410c",
        secondary: "#1e3a8a",
        logo: r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" rx="9" fill="#c2410c"/><path d="M6 29 L15 12 L21 22 L25 16 L34 29 Z" fill="#ffffff"/><circle cx="29" cy="10" r="3" fill="#fde68a"/></svg>"##,
    },
    DemoOrg {
        name: "Northlight Creative Studio",
        slug: "northlight",
        admin: "hello@northlight.example",
        viewer: "intern@northlight.example",
        number: "+15035550177",
        timezone: "America/Los_Angeles",
        hours: (9, 17),
        mode: "overflow",
        office: "+15035550100",
        primary: "#6d28d9",
        secondary: "#0f766e",
        logo: r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="19" fill="#6d28d9"/><path d="M20 7 L23 17 L33 20 L23 23 L20 33 L17 23 L7 20 L17 17 Z" fill="#ffffff"/></svg>"##,
    },
];

fn new_password() -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), 20)
}

pub async fn seed(config: &Config) -> anyhow::Result<()> {
    let pool = pool(config).await?;
    let access = PlatformAccess::operator();
    let actor = Actor::operator();
    let mut lines = Vec::new();

    let password = new_password();
    services::users::ensure_super_admin(&pool, access, &actor, SUPER_ADMIN_EMAIL, password.clone())
        .await
        .map_err(explain)?;
    lines.push((
        "super admin".to_string(),
        config.public_url.clone(),
        SUPER_ADMIN_EMAIL.to_string(),
        password,
    ));

    for demo in ORGS {
        let org = match services::orgs::by_slug(&pool, access, demo.slug).await {
            Ok(org) => org,
            Err(AppError::NotFound) => {
                let input = OrgInput {
                    name: demo.name.into(),
                    slug: demo.slug.into(),
                    ..OrgInput::default()
                };
                services::orgs::create(&pool, access, &actor, &input)
                    .await
                    .map_err(explain)?
            }
            Err(e) => return Err(explain(e)),
        };
        let url = config.org_url(&org.subdomain);
        for (email, role) in [(demo.admin, Role::Admin), (demo.viewer, Role::Viewer)] {
            let password = new_password();
            ensure_user(&pool, &actor, email, &password).await?;
            services::users::add_member(&pool, access, &actor, org.id, email, role, None)
                .await
                .map_err(explain)?;
            lines.push((
                format!("{} {}", demo.slug, role.as_str()),
                url.clone(),
                email.into(),
                password,
            ));
        }

        demo_settings(&pool, org.id, &demo).await?;
        demo_branding(&pool, org.id, &demo).await?;
        if demo.slug == "mesa-shuttle" {
            demo_reservations(&pool, org.id).await?;
        }
        match super::common::keyring(config) {
            Ok(keys) => demo_calls(&pool, &keys, config, org.id, demo.slug).await?,
            Err(e) => eprintln!("skipping demo agents and calls: {e}"),
        }
        demo_statement(&pool, org.id).await?;
    }

    println!("Demo data is ready. Sign in with:");
    for (who, url, email, password) in lines {
        println!("  {who:<20} {url:<45} {email:<36} {password}");
    }
    Ok(())
}

/// Last month's statement, when the demo's week of calls reaches into it
/// (early in a month), so the Statements page has one to show.
async fn demo_statement(pool: &sqlx::PgPool, org_id: uuid::Uuid) -> anyhow::Result<()> {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let this_month = today.with_day(1).unwrap_or(today);
    let last_month = (this_month - chrono::Days::new(1))
        .with_day(1)
        .unwrap_or(this_month);
    if (today - chrono::Days::new(7)) < this_month {
        services::statements::close_through(
            pool,
            PlatformAccess::operator(),
            org_id,
            last_month,
            "demo",
        )
        .await
        .map_err(explain)?;
    }
    Ok(())
}

/// The shuttle company's rides for the next three days and its drivers, so
/// the Reservations page and the voice agent's look-up have data. Every
/// name is invented; every number is a 555 one.
async fn demo_reservations(pool: &PgPool, org_id: uuid::Uuid) -> anyhow::Result<()> {
    use crate::domain::tool_import::Kind;
    use crate::services::tool_import::{import, Mode};
    const DRIVERS: [&str; 6] = [
        "Rosa Quintero",
        "Dale Whitfield",
        "Imani Brooks",
        "Tomas Rey",
        "Priya Natarajan",
        "Gus Holloway",
    ];
    const PASSENGERS: [&str; 8] = [
        "Avery Lin",
        "Marcus Bell",
        "Joan Okafor",
        "Hal Petersen",
        "Lucia Moreno",
        "Ben Sato",
        "Nora Fitch",
        "Sam Delgado",
    ];
    const PLACES: [&str; 5] = [
        "Sky Harbor Terminal 4",
        "12 Saguaro Way, Tempe",
        "Mesa Arts Center",
        "480 Camelback Rd, Phoenix",
        "Chandler Fashion Center",
    ];
    let who = Principal::operator(org_id);
    let mut drivers = String::from("name,phone,active\n");
    for (i, d) in DRIVERS.iter().enumerate() {
        drivers.push_str(&format!("{d},+1520555{:04},yes\n", 200 + i));
    }
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Phoenix)
        .date_naive();
    let mut rides = String::from(
        "confirmation_number,pickup_at,passenger_name,passenger_phone,pickup_address,dropoff_address,status,driver_name\n",
    );
    for i in 0..60usize {
        let day = today + chrono::Duration::days((i / 20) as i64);
        let (hour, minute) = (5 + (i % 20) * 17 / 20, (i * 15) % 60);
        let status = ["confirmed", "scheduled", "driver assigned"][i % 3];
        rides.push_str(&format!(
            "MV-{:04},{day} {hour:02}:{minute:02},{},+1480555{:04},{},{},{status},{}\n",
            3100 + i,
            PASSENGERS[i % PASSENGERS.len()],
            1000 + i,
            PLACES[i % PLACES.len()],
            PLACES[(i + 2) % PLACES.len()],
            DRIVERS[i % DRIVERS.len()],
        ));
    }
    for (kind, file) in [(Kind::Drivers, drivers), (Kind::Reservations, rides)] {
        import(pool, &who, kind, Mode::Replace, "demo.csv", file.as_bytes())
            .await
            .map_err(|(e, _)| explain(e))?;
    }
    Ok(())
}

/// Distinct colours and logos, so the white label is plain to see.
async fn demo_branding(pool: &PgPool, org_id: uuid::Uuid, demo: &DemoOrg) -> anyhow::Result<()> {
    use crate::services::branding::{set_asset, set_look, AssetKind};
    let (access, actor) = (PlatformAccess::operator(), Actor::operator());
    set_look(
        pool,
        access,
        &actor,
        org_id,
        "",
        demo.primary,
        demo.secondary,
    )
    .await
    .map_err(explain)?;
    for kind in [AssetKind::Logo, AssetKind::Favicon] {
        set_asset(pool, access, &actor, org_id, kind, demo.logo.as_bytes())
            .await
            .map_err(explain)?;
    }
    Ok(())
}

/// Agent settings and a phone number, unless the organization has its own.
async fn demo_settings(pool: &PgPool, org_id: uuid::Uuid, demo: &DemoOrg) -> anyhow::Result<()> {
    use crate::domain::SettingsForm;
    let scope = Principal::operator(org_id);
    let mut tx = db::tx::tenant(pool, &scope.tenant).await.map_err(explain)?;
    let saved = db::settings::get(&mut tx, org_id).await.map_err(explain)?;
    tx.commit().await?;
    if saved.is_none() {
        let form = SettingsForm {
            company_name: demo.name.into(),
            operator_email: demo.admin.into(),
            timezone: demo.timezone.into(),
            business_hours_start: demo.hours.0.to_string(),
            business_hours_end: demo.hours.1.to_string(),
            transfer_enabled: Some("on".into()),
            forwarding_mode: demo.mode.into(),
            office_phone: demo.office.into(),
            carrier: "twilio".into(),
            ..SettingsForm::default()
        };
        services::settings::save(pool, &scope, &form)
            .await
            .map_err(explain)?;
    }
    if services::numbers::list(pool, &scope)
        .await
        .map_err(explain)?
        .is_empty()
    {
        services::numbers::record(pool, &scope, demo.number)
            .await
            .map_err(explain)?;
    }
    Ok(())
}

/// Creates the user, or resets the password of the existing one.
async fn ensure_user(
    pool: &PgPool,
    actor: &Actor,
    email: &str,
    password: &str,
) -> anyhow::Result<()> {
    let access = PlatformAccess::operator();
    let mut tx = db::tx::platform(pool, access).await.map_err(explain)?;
    let existing = db::users::id_by_email(&mut tx, email)
        .await
        .map_err(explain)?;
    tx.commit().await?;
    match existing {
        None => {
            services::users::create(pool, access, actor, email, password.to_string(), false)
                .await
                .map_err(explain)?;
        }
        Some(id) => {
            let hash = crate::auth::password::hash(password.to_string())
                .await
                .map_err(explain)?;
            let mut tx = db::tx::platform(pool, access).await.map_err(explain)?;
            db::users::set_password(&mut tx, id, &hash)
                .await
                .map_err(explain)?;
            db::users::set_disabled(&mut tx, id, false)
                .await
                .map_err(explain)?;
            tx.commit().await?;
        }
    }
    Ok(())
}

/// A demo API key, one agent, and a week of simulated calls pushed through
/// the same ingestion code as the webhook route (once: skipped when the
/// organization already has calls).
async fn demo_calls(
    pool: &PgPool,
    keys: &crate::crypto::Keyring,
    config: &Config,
    org_id: uuid::Uuid,
    slug: &str,
) -> anyhow::Result<()> {
    use crate::ingest::service::{accept, Delivery};
    use rand::Rng;
    let scope = Principal::operator(org_id);
    let overview = services::agents::overview(pool, &scope, &config.public_url)
        .await
        .map_err(explain)?;
    if overview.agents.iter().any(|a| a.call_count > 0) {
        return Ok(());
    }
    let key = match services::agents::api_key(pool, keys, &scope)
        .await
        .map_err(explain)?
    {
        Some(k) => k,
        None => {
            let k = format!(
                "key_demo_{}",
                Alphanumeric.sample_string(&mut rand::thread_rng(), 24)
            );
            services::agents::set_api_key(pool, keys, &scope, &k)
                .await
                .map_err(explain)?;
            k
        }
    };
    let provider_id = format!("agent_demo_{}", slug.replace('-', "_"));
    let agent = match overview.agents.first() {
        Some(a) => a.id,
        None => services::agents::create(pool, &scope, &provider_id, "Main line")
            .await
            .map_err(explain)?,
    };
    let owners = crate::ingest::owners::OwnerCache::new(std::time::Duration::from_secs(60));
    let changes = crate::db::notify::CallChanges::start(pool.clone());
    let mut rng = rand::thread_rng();
    let now = chrono::Utc::now().timestamp_millis();
    for _ in 0..40 {
        let when = now - rng.gen_range(0..7 * 24 * 3600 * 1000_i64);
        for event in crate::retell::simulate::call_events(&provider_id, when, &mut rng) {
            let body = serde_json::to_vec(&event)?;
            let signed = crate::retell::signature::sign(&key, &body, now);
            let delivery = Delivery {
                agent_id: agent,
                body: &body,
                signature: Some(&signed),
                now_ms: now,
            };
            accept(pool, keys, &owners, &changes, delivery)
                .await
                .map_err(explain)?;
        }
    }
    // Open dashboards (a server may be running) refresh now.
    changes.flush(pool).await.map_err(explain)?;
    Ok(())
}
