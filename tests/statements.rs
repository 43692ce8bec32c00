//! Monthly statements against PostgreSQL as the app role: a month closed in
//! the organization's timezone across a rate change, a DST change and a
//! call spanning midnight at the month's edge, equal to hand-computed
//! figures and to the dashboard's; late changes as adjustments on the next
//! statement; closing twice or at once makes one statement; isolation.

mod support;

use callboard::db::{self, PlatformAccess, TenantCtx};
use callboard::domain::SettingsForm;
use callboard::services::statements as service;
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use support::{filter_form, fixture, make_agent, operator_scope, post_json, set_rate, TestApp};
use uuid::Uuid;

fn month(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).unwrap()
}

async fn new_york(pool: &PgPool, org: Uuid) {
    let form = SettingsForm {
        company_name: "Alpha".into(),
        timezone: "America/New_York".into(),
        business_hours_start: "8".into(),
        business_hours_end: "18".into(),
        forwarding_mode: "always".into(),
        carrier: "twilio".into(),
        ..Default::default()
    };
    callboard::services::settings::save(pool, &operator_scope(org), &form)
        .await
        .unwrap();
}

/// A call as the merge leaves it, written in the organization's tenant
/// transaction (the triggers fix its rates and money).
async fn call(pool: &PgPool, org: Uuid, agent: Uuid, kind: &str, start: &str, ms: i64) -> Uuid {
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(org))
        .await
        .unwrap();
    let id = sqlx::query_scalar(
        "INSERT INTO calls (organization_id, provider_call_id, agent_id, call_type, direction,
            from_number, to_number, call_status, started_at, ended_at, duration_ms)
         VALUES ($1, $2, $3, $4, 'inbound', '+15555550101', '+15555550199', 'ended',
            $5::timestamptz, $5::timestamptz + make_interval(secs => $6 / 1000.0), $6)
         RETURNING id",
    )
    .bind(org)
    .bind(format!("call_{}", Uuid::new_v4().simple()))
    .bind(agent)
    .bind(kind)
    .bind(start)
    .bind(ms)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn close(pool: &PgPool, org: Uuid, m: NaiveDate) -> Vec<service::Closed> {
    service::close_through(pool, PlatformAccess::operator(), org, m, "test")
        .await
        .unwrap()
}

#[tokio::test]
async fn a_month_closes_in_the_organizations_timezone_to_the_dashboards_cent() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (pool, su) = (&app.db.app, app.db.super_pool().await);
    let org = f.alpha.id;
    new_york(pool, org).await;
    let desk = make_agent(&su, org, "Front desk").await;
    // 40 ¢ a minute, then 60 ¢ from the 15th at noon UTC.
    set_rate(pool, org, "2000-01-01T00:00:00Z", "40").await;
    set_rate(pool, org, "2026-03-15T12:00:00Z", "60").await;
    // New York: March runs from 05:00 UTC on the 1st (EST) to 04:00 UTC on
    // April 1st (EDT since the 8th): 743 hours.
    call(
        pool,
        org,
        desk,
        "phone_call",
        "2026-03-01T04:30:00Z",
        600_000,
    )
    .await; // Feb 28, 23:30 local: February
    call(
        pool,
        org,
        desk,
        "phone_call",
        "2026-03-01T05:30:00Z",
        90_000,
    )
    .await; // 2 min × 40 = 80
    call(
        pool,
        org,
        desk,
        "phone_call",
        "2026-03-08T12:00:00Z",
        61_000,
    )
    .await; // after DST: 2 min × 40 = 80
    call(pool, org, desk, "web_call", "2026-03-10T15:00:00Z", 120_000).await; // test: free
    call(
        pool,
        org,
        desk,
        "phone_call",
        "2026-03-20T15:00:00Z",
        30_000,
    )
    .await; // 1 min × 60 = 60
            // 23:30 on March 31st local, running 45 minutes past midnight: March's.
    call(
        pool,
        org,
        desk,
        "phone_call",
        "2026-04-01T03:30:00Z",
        2_700_000,
    )
    .await; // 45 min × 60 = 2700
    call(
        pool,
        org,
        desk,
        "phone_call",
        "2026-04-01T04:30:00Z",
        60_000,
    )
    .await; // April 1st, 00:30 local

    // Closing February first (the earliest), then March.
    let done = close(pool, org, month(2026, 2)).await;
    assert_eq!(done.len(), 1);
    let done = close(pool, org, month(2026, 3)).await;
    assert_eq!(done.len(), 1);
    assert!(done[0].made);
    let s = service::get(pool, &operator_scope(org), month(2026, 3))
        .await
        .unwrap();
    assert_eq!(s.summary.timezone, "America/New_York");
    assert_eq!(
        s.summary.period_start,
        "2026-03-01T05:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
    assert_eq!(
        s.summary.period_end,
        "2026-04-01T04:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
    let lines: Vec<(&str, i64, i64, i64)> = s
        .lines
        .iter()
        .map(|l| (l.kind.as_str(), l.calls, l.minutes, l.amount_cents))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("usage", 2, 4, 160),
            ("usage", 2, 46, 2760),
            ("test", 1, 2, 0),
        ]
    );
    assert_eq!(s.lines[0].rate_cents, Some(40.0));
    assert_eq!(s.lines[1].rate_cents, Some(60.0));
    assert!(
        s.lines[0].description.contains("Front desk"),
        "{}",
        s.lines[0].description
    );
    assert_eq!(
        (
            s.summary.billable_calls,
            s.summary.test_calls,
            s.summary.billed_minutes
        ),
        (4, 1, 50)
    );
    assert_eq!(s.summary.total_cents, 2920);
    let feb = service::get(pool, &operator_scope(org), month(2026, 2))
        .await
        .unwrap();
    assert_eq!(feb.summary.total_cents, 10 * 40, "{:?}", feb.lines);

    // The dashboard says the same for the same month.
    let viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;
    let res = viewer
        .post(app.org("alpha", "/api/dashboard"))
        .form(&filter_form("period=custom&from=2026-03-01&to=2026-03-31"))
        .send()
        .await
        .unwrap();
    let d: Value = res.json().await.unwrap();
    assert_eq!(d["totals"]["charge_cents"], 2920, "{}", d["totals"]);

    // Viewers read statements (and the CSV), and cannot close one.
    let page = post_json(&viewer, &app.org("alpha", "/api/org/statements")).await;
    assert_eq!(page["statements"].as_array().unwrap().len(), 2);
    let csv = viewer
        .get(app.org("alpha", "/statements/2026-03/statement.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(text.contains("$29.20"), "{text}");
    assert!(text.contains("Front desk"));
    // The console's revenue per month adds up every organization's.
    let root = app
        .signed_in(&app.platform(""), "root@callboard.localhost")
        .await;
    let b: Value = root
        .post(app.platform("/api/platform/statements"))
        .form(&[("month", "2026-03")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let march = b["months"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == "2026-03-01")
        .unwrap();
    assert_eq!(march["total_cents"], 2920, "{b}");
    assert_eq!(b["statements"][0]["total_cents"], 2920);
    // The console closes a month early; again changes nothing.
    let close_april = || {
        root.post(app.platform("/api/platform/statements/close"))
            .form(&[
                ("org_id", f.bravo.id.to_string()),
                ("month", "2026-04".into()),
            ])
            .send()
    };
    let made: Value = close_april().await.unwrap().json().await.unwrap();
    assert_eq!(made, 1);
    let made: Value = close_april().await.unwrap().json().await.unwrap();
    assert_eq!(made, 0);
    let res = viewer
        .post(app.org("alpha", "/api/platform/statements/close"))
        .form(&[("org_id", org.to_string()), ("month", "2026-04".into())])
        .send()
        .await
        .unwrap();
    assert!(matches!(
        res.status(),
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED
    ));
    app.stop();
}

#[tokio::test]
async fn later_changes_become_adjustments_and_closing_is_once_only() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (pool, su) = (&app.db.app, app.db.super_pool().await);
    let org = f.alpha.id;
    let desk = make_agent(&su, org, "Desk").await;
    set_rate(pool, org, "2000-01-01T00:00:00Z", "50").await;
    // Phoenix (the default): October's calls.
    let changed = call(
        pool,
        org,
        desk,
        "phone_call",
        "2026-10-05T18:00:00Z",
        120_000,
    )
    .await; // 2 min, $1.00
    call(
        pool,
        org,
        desk,
        "phone_call",
        "2026-10-06T18:00:00Z",
        60_000,
    )
    .await; // 1 min, $0.50

    // Two closes at once make one statement.
    let (a, b) = tokio::join!(
        close(pool, org, month(2026, 10)),
        close(pool, org, month(2026, 10))
    );
    assert_eq!(a.len() + b.len(), 2);
    assert_eq!(a.iter().chain(&b).filter(|c| c.made).count(), 1);
    let again = close(pool, org, month(2026, 10)).await;
    assert!(!again[0].made);
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM statements WHERE organization_id = $1")
            .bind(org)
            .fetch_one(&su)
            .await
            .unwrap();
    assert_eq!(count, 1);
    let oct = service::get(pool, &operator_scope(org), month(2026, 10))
        .await
        .unwrap();
    assert_eq!(oct.summary.total_cents, 150);

    // After the close: a later event makes the first call longer, and a
    // call of October arrives late.
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(org))
        .await
        .unwrap();
    sqlx::query("UPDATE calls SET duration_ms = 300000 WHERE id = $1")
        .bind(changed)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    call(
        pool,
        org,
        desk,
        "phone_call",
        "2026-10-30T18:00:00Z",
        60_000,
    )
    .await; // late: 1 min, $0.50
    call(
        pool,
        org,
        desk,
        "phone_call",
        "2026-11-02T18:00:00Z",
        180_000,
    )
    .await; // November: 3 min, $1.50

    close(pool, org, month(2026, 11)).await;
    let oct_after = service::get(pool, &operator_scope(org), month(2026, 10))
        .await
        .unwrap();
    assert_eq!(oct_after, oct, "a closed statement never changes");
    let nov = service::get(pool, &operator_scope(org), month(2026, 11))
        .await
        .unwrap();
    let adjustments: Vec<(i64, i64)> = nov
        .lines
        .iter()
        .filter(|l| l.kind == "adjustment")
        .map(|l| (l.minutes, l.amount_cents))
        .collect();
    assert_eq!(adjustments, vec![(3, 150), (1, 50)]);
    let adj = nov
        .lines
        .iter()
        .find(|l| l.call_id == Some(changed))
        .unwrap();
    assert!(
        adj.description
            .contains("billed 2 min ($1.00), now 5 min ($2.50)"),
        "{}",
        adj.description
    );
    assert_eq!(nov.summary.usage_cents, 150);
    assert_eq!(nov.summary.adjustment_cents, 200);
    assert_eq!(nov.summary.total_cents, 350);
    // December closes with nothing to put right again.
    close(pool, org, month(2026, 12)).await;
    let dec = service::get(pool, &operator_scope(org), month(2026, 12))
        .await
        .unwrap();
    assert!(dec.lines.is_empty());
    app.stop();
}

#[tokio::test]
async fn statements_are_walled_off_and_housekeeping_closes_finished_months() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (pool, su) = (&app.db.app, app.db.super_pool().await);
    let desk = make_agent(&su, f.alpha.id, "Desk").await;
    call(
        pool,
        f.alpha.id,
        desk,
        "phone_call",
        "2026-09-05T18:00:00Z",
        60_000,
    )
    .await;
    // The organizations were made today; pretend alpha has been here since
    // September so housekeeping has months to close.
    sqlx::query("UPDATE organizations SET created_at = '2026-09-01T12:00:00Z' WHERE id = $1")
        .bind(f.alpha.id)
        .execute(&su)
        .await
        .unwrap();
    let made = service::close_due(pool).await.unwrap();
    assert!(made >= 2, "{made}");
    assert_eq!(service::close_due(pool).await.unwrap(), 0, "nothing twice");
    let sid: Uuid = sqlx::query_scalar(
        "SELECT id FROM statements WHERE organization_id = $1 AND month = '2026-09-01'",
    )
    .bind(f.alpha.id)
    .fetch_one(&su)
    .await
    .unwrap();

    // Bravo sees none of alpha's statements, and no tenant writes any.
    for (table, key) in [
        ("statements", "id"),
        ("statement_lines", "statement_id"),
        ("statement_calls", "statement_id"),
    ] {
        let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(f.bravo.id))
            .await
            .unwrap();
        let seen: i64 =
            sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE {key} = $1"))
                .bind(sid)
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        assert_eq!(seen, 0, "bravo saw alpha's {table}");
        let write = sqlx::query(&format!("DELETE FROM {table} WHERE {key} = $1"))
            .bind(sid)
            .execute(&mut *tx)
            .await;
        assert!(write.is_err(), "a tenant wrote {table}");
    }
    // Not even alpha's own tenant transaction may write them.
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(f.alpha.id))
        .await
        .unwrap();
    let write = sqlx::query("UPDATE statements SET total_cents = 0 WHERE id = $1")
        .bind(sid)
        .execute(&mut *tx)
        .await;
    assert!(write.is_err(), "a tenant changed its own statement");
    drop(tx);
    let other = app
        .signed_in(&app.org("bravo", ""), "admin@bravo.example")
        .await;
    let res = other
        .get(app.org("bravo", "/statements/2026-09/statement.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    app.stop();
}

/// The text of every page of a PDF, as a reader gets it: each shown string's
/// two-byte glyph codes through its font's ToUnicode map. (lopdf's own
/// `extract_text` stops at the PostScript comments krilla's maps open with.)
fn pdf_text(bytes: &[u8]) -> String {
    use lopdf::content::Content;
    use lopdf::Object;
    use std::collections::HashMap;
    let mut doc = lopdf::Document::load_mem(bytes).expect("a well-formed PDF");
    doc.decompress();
    let mut out = String::new();
    let pages: Vec<_> = doc.get_pages().values().copied().collect();
    assert!(!pages.is_empty());
    for page in pages {
        let mut maps: HashMap<Vec<u8>, HashMap<u16, String>> = HashMap::new();
        for (name, font) in doc.get_page_fonts(page).unwrap() {
            let Ok(to_unicode) = font.get(b"ToUnicode").and_then(|o| o.as_reference()) else {
                continue;
            };
            let stream = doc.get_object(to_unicode).unwrap().as_stream().unwrap();
            let text = String::from_utf8_lossy(&stream.content).into_owned();
            let mut map = HashMap::new();
            for line in text.lines() {
                let parts: Vec<&str> = line.split_whitespace().collect();
                if let [code, uni] = parts[..] {
                    let (Some(code), Some(uni)) = (code.strip_prefix('<'), uni.strip_prefix('<'))
                    else {
                        continue;
                    };
                    let (code, uni) = (code.trim_end_matches('>'), uni.trim_end_matches('>'));
                    let Ok(code) = u16::from_str_radix(code, 16) else {
                        continue;
                    };
                    let units: Vec<u16> = (0..uni.len() / 4)
                        .filter_map(|k| u16::from_str_radix(&uni[k * 4..k * 4 + 4], 16).ok())
                        .collect();
                    map.insert(code, String::from_utf16_lossy(&units));
                }
            }
            maps.insert(name, map);
        }
        let content = Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
        let mut font: Vec<u8> = vec![];
        let show = |bytes: &[u8], font: &[u8], out: &mut String| {
            let map = &maps[font];
            for pair in bytes.chunks(2) {
                if let [a, b] = pair {
                    if let Some(t) = map.get(&u16::from_be_bytes([*a, *b])) {
                        out.push_str(t);
                    }
                }
            }
        };
        for op in content.operations {
            match (op.operator.as_str(), op.operands.as_slice()) {
                ("Tf", [Object::Name(n), ..]) => font = n.clone(),
                ("Tj", [Object::String(b, _)]) => show(b, &font, &mut out),
                ("TJ", [Object::Array(items)]) => {
                    for item in items {
                        if let Object::String(b, _) = item {
                            show(b, &font, &mut out);
                        }
                    }
                }
                ("ET", _) => out.push('\n'),
                _ => {}
            }
        }
    }
    out
}

#[tokio::test]
async fn statement_and_call_report_pdfs_carry_the_brand_the_figures_and_any_script() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let (pool, su) = (&app.db.app, app.db.super_pool().await);
    let desk = make_agent(&su, f.alpha.id, "Front desk").await;
    set_rate(pool, f.alpha.id, "2000-01-01T00:00:00Z", "40").await;
    for day in 1..=20 {
        let start = format!("2026-03-{day:02}T18:00:00Z");
        call(pool, f.alpha.id, desk, "phone_call", &start, 90_000).await; // 2 min, 80 ¢
    }
    close(pool, f.alpha.id, month(2026, 3)).await;
    let viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;

    for (name, font) in [
        ("Alpha Shuttle Co", "DejaVuSans"),
        ("北京快运有限公司", "DroidSansFallback"),
        ("شركة النور للنقل", "DejaVuSans"),
    ] {
        sqlx::query("UPDATE organizations SET name = $2 WHERE id = $1")
            .bind(f.alpha.id)
            .bind(name)
            .execute(&su)
            .await
            .unwrap();
        let res = viewer
            .get(app.org("alpha", "/statements/2026-03/statement.pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let bytes = res.bytes().await.unwrap();
        assert!(
            bytes.windows(font.len()).any(|w| w == font.as_bytes()),
            "{font} embedded for {name}"
        );
        let text = pdf_text(&bytes);
        assert!(text.contains("$16.00"), "{name}: {text}");
        assert!(text.contains("Front desk"));
        assert!(
            text.contains("alpha."),
            "the organization's own address in the footer: {text}"
        );
        assert!(!text.to_lowercase().contains("retell"));
        // Every letter of the name is in the text (right-to-left names come
        // out in the order they are drawn).
        for c in name.chars().filter(|c| !c.is_whitespace()) {
            assert!(text.contains(c), "{c} of {name} missing: {text}");
        }
    }

    // The call report for a filter says what the dashboard says.
    let filter = "period=custom&from=2026-03-01&to=2026-03-31";
    let res = viewer
        .get(app.org("alpha", &format!("/calls/report.pdf?{filter}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = pdf_text(&res.bytes().await.unwrap());
    let d: Value = viewer
        .post(app.org("alpha", "/api/dashboard"))
        .form(&filter_form(filter))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cost = callboard::domain::dashboard::money(d["totals"]["charge_cents"].as_i64().unwrap());
    assert_eq!(cost, "$16.00");
    assert!(text.contains("Call report"));
    assert!(text.contains(&cost), "{text}");
    assert!(text.contains("20"), "the call count");
    // Another organization's member gets nothing of alpha's.
    let other = app
        .signed_in(&app.org("bravo", ""), "admin@bravo.example")
        .await;
    let res = other
        .get(app.org("bravo", "/statements/2026-03/statement.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    app.stop();
}
