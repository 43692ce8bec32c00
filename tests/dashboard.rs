//! The organization dashboard through the real server and a real database
//! as the app role: figures against hand-computed ones, rollups against a
//! recount, pagination under inserts, CSV export, and the live stream.

mod support;

use callboard::db::{self, TenantCtx};
use callboard::retell::simulate;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::HashSet;
use std::time::Duration;
use support::fake_retell::FakeRetell;
use support::{filter_form, fixture, keyring, operator_scope as scope, set_rate, TestApp};
use uuid::Uuid;

fn tenant(org: Uuid) -> TenantCtx {
    TenantCtx::without_user(org)
}

/// A call as the merge would leave it, written as the app role in the
/// organization's tenant transaction (the triggers keep rollups and money).
#[derive(Clone)]
struct NewCall {
    kind: &'static str,
    direction: Option<&'static str>,
    from: Option<&'static str>,
    start: &'static str,
    duration_ms: Option<i64>,
    sentiment: Option<&'static str>,
    successful: Option<bool>,
    override_billable: Option<bool>,
}

fn phone(start: &'static str, duration_ms: i64) -> NewCall {
    NewCall {
        kind: "phone_call",
        direction: Some("inbound"),
        from: Some("+15205550101"),
        start,
        duration_ms: Some(duration_ms),
        sentiment: None,
        successful: None,
        override_billable: None,
    }
}

async fn insert(pool: &PgPool, org: Uuid, agent: Option<Uuid>, c: &NewCall) -> Uuid {
    let mut tx = db::tx::tenant(pool, &tenant(org)).await.unwrap();
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO calls (organization_id, provider_call_id, agent_id, call_type, direction,
            from_number, to_number, call_status, started_at, ended_at, duration_ms, sentiment,
            successful, billable_override)
         VALUES ($1, $2, $3, $4, $5, $6, '+15205550199', 'ended', $7::timestamptz,
            $7::timestamptz + make_interval(secs => coalesce($8, 0) / 1000.0), $8, $9, $10, $11)
         RETURNING id",
    )
    .bind(org)
    .bind(format!("call_{}", Uuid::new_v4().simple()))
    .bind(agent)
    .bind(c.kind)
    .bind(c.direction)
    .bind(c.from)
    .bind(c.start)
    .bind(c.duration_ms)
    .bind(c.sentiment)
    .bind(c.successful)
    .bind(c.override_billable)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn api(client: &reqwest::Client, url: &str, form: &[(&str, String)]) -> (u16, Value) {
    let res = client.post(url).form(form).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

const ONE_DAY: &str = "period=custom&from=2026-11-10&to=2026-11-10";

#[tokio::test]
async fn figures_equal_hand_computed_ones_across_the_local_day_boundary() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let pool = &app.db.app;
    // 12.5 ¢ a minute: rounding per call (half up) differs from rounding the sum.
    set_rate(pool, f.alpha.id, "2000-01-01T00:00:00Z", "12.5").await;
    // Alpha's day is Phoenix's (UTC−7, no daylight saving): Nov 10 runs
    // from 07:00 UTC on the 10th to 07:00 UTC on the 11th.
    let outside_before = phone("2026-11-10T06:59:59Z", 120_000);
    let midnight = NewCall {
        sentiment: Some("Positive"),
        successful: Some(true),
        ..phone("2026-11-10T07:00:00Z", 61_000) // 2 min, 25 ¢
    };
    let outbound = NewCall {
        direction: Some("outbound"),
        sentiment: Some("Negative"),
        successful: Some(false),
        ..phone("2026-11-10T15:30:00Z", 59_000) // 1 min, 12.5 → 13 ¢
    };
    let web = NewCall {
        kind: "web_call",
        direction: None,
        from: None,
        sentiment: Some("Neutral"),
        successful: Some(true),
        ..phone("2026-11-10T20:00:00Z", 300_000) // 5 min, test: 0 ¢
    };
    let last_second = phone("2026-11-11T06:59:59Z", 1); // 1 min, 13 ¢
    let marked_test = NewCall {
        override_billable: Some(false),
        ..phone("2026-11-10T12:00:00Z", 90_000) // 2 min, test: 0 ¢
    };
    let outside_after = phone("2026-11-11T07:00:00Z", 600_000);
    for c in [
        &outside_before,
        &midnight,
        &outbound,
        &web,
        &last_second,
        &marked_test,
        &outside_after,
    ] {
        insert(pool, f.alpha.id, None, c).await;
    }
    // Another organization's call in the same hour counts for nobody here.
    insert(
        pool,
        f.bravo.id,
        None,
        &phone("2026-11-10T15:00:00Z", 60_000),
    )
    .await;

    let viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;
    let (status, d) = api(
        &viewer,
        &app.org("alpha", "/api/dashboard"),
        &filter_form(ONE_DAY),
    )
    .await;
    assert_eq!(status, 200, "{d}");
    let t = &d["totals"];
    assert_eq!(t["calls"], 5);
    assert_eq!(t["billable_calls"], 3);
    assert_eq!(t["billable_minutes"], 4);
    assert_eq!(t["all_minutes"], 11);
    assert_eq!(t["charge_cents"], 25 + 13 + 13);
    assert_eq!(t["successful"], 2);
    assert_eq!(t["evaluated"], 3);
    assert_eq!(
        (
            t["positive"].clone(),
            t["neutral"].clone(),
            t["negative"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    assert_eq!(d["bucket"], "Hour");
    let series = d["series"].as_array().unwrap();
    assert_eq!(series.len(), 24);
    assert_eq!(series[0]["calls"], 1, "local midnight");
    assert_eq!(series[23]["calls"], 1, "local 23:59:59");
    assert_eq!(series[8]["calls"], 1, "15:30 UTC is 08:30 local");

    // Filters: billable only, outbound only (read from calls, not rollups).
    let (_, d) = api(
        &viewer,
        &app.org("alpha", "/api/dashboard"),
        &filter_form(&format!("{ONE_DAY}&type=billable")),
    )
    .await;
    assert_eq!(d["totals"]["calls"], 3);
    let (_, d) = api(
        &viewer,
        &app.org("alpha", "/api/dashboard"),
        &filter_form(&format!("{ONE_DAY}&direction=outbound")),
    )
    .await;
    assert_eq!(d["totals"]["calls"], 1);
    assert_eq!(d["totals"]["charge_cents"], 13);
    let (_, d) = api(
        &viewer,
        &app.org("alpha", "/api/dashboard"),
        &filter_form(&format!("{ONE_DAY}&direction=web")),
    )
    .await;
    assert_eq!(d["totals"]["calls"], 1);
    assert_eq!(d["totals"]["all_minutes"], 5);

    // A two-day range with whole-hour rollups in the middle gives the same
    // sums for the same calls, by day.
    let (_, d) = api(
        &viewer,
        &app.org("alpha", "/api/dashboard"),
        &filter_form("period=custom&from=2026-11-09&to=2026-11-11"),
    )
    .await;
    assert_eq!(d["totals"]["calls"], 7);
    assert_eq!(d["bucket"], "Day");
    let days: Vec<i64> = d["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["calls"].as_i64().unwrap())
        .collect();
    assert_eq!(days, vec![1, 5, 1]);

    // A broken range is refused on the way in, as a mistake of the caller's
    // (the page explains it before asking).
    let (status, body) = api(
        &viewer,
        &app.org("alpha", "/api/dashboard"),
        &filter_form("period=custom&from=2026-11-12&to=2026-11-10"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

/// The rollups, summed per hour, agent and billable flag, against the same
/// sums recounted from the calls.
async fn rollups_match_recount(pool: &PgPool, org: Uuid) {
    let mut tx = db::tx::tenant(pool, &tenant(org)).await.unwrap();
    let diff: Vec<(Option<chrono::DateTime<chrono::Utc>>,)> = sqlx::query_as(
        "WITH r AS (
           SELECT hour, agent_id, is_billable, sum(calls) calls, sum(billed_minutes) m,
                  sum(duration_ms) d, sum(timed_calls) tc, sum(charge_cents) ch, sum(cogs_cents) cg,
                  sum(reported_cost_calls) rc, sum(successful) s, sum(evaluated) e,
                  sum(positive) p, sum(neutral) n, sum(negative) ng
             FROM call_rollups WHERE organization_id = $1
            GROUP BY 1, 2, 3 HAVING sum(calls) <> 0 OR sum(charge_cents) <> 0),
         c AS (
           SELECT date_trunc('hour', occurred_at, 'UTC') AS hour, agent_id, is_billable,
                  count(*)::numeric calls, sum(billed_minutes)::numeric m,
                  sum(coalesce(duration_ms, 0))::numeric d, count(duration_ms)::numeric tc,
                  sum(charge_cents)::numeric ch, sum(cogs_cents)::numeric cg,
                  count(provider_cost_cents)::numeric rc,
                  count(*) FILTER (WHERE successful)::numeric s, count(successful)::numeric e,
                  count(*) FILTER (WHERE sentiment = 'Positive')::numeric p,
                  count(*) FILTER (WHERE sentiment = 'Neutral')::numeric n,
                  count(*) FILTER (WHERE sentiment = 'Negative')::numeric ng
             FROM calls WHERE organization_id = $1 GROUP BY 1, 2, 3)
         SELECT coalesce(r.hour, c.hour) FROM r FULL JOIN c
           ON r.hour = c.hour AND r.agent_id IS NOT DISTINCT FROM c.agent_id
          AND r.is_billable = c.is_billable
          WHERE (r.calls, r.m, r.d, r.tc, r.ch, r.cg, r.rc, r.s, r.e, r.p, r.n, r.ng)
                IS DISTINCT FROM (c.calls, c.m, c.d, c.tc, c.ch, c.cg, c.rc, c.s, c.e, c.p, c.n, c.ng)",
    )
    .bind(org)
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(
        diff.is_empty(),
        "rollups differ from a recount in hours {diff:?}"
    );
}

#[tokio::test]
async fn rollups_always_equal_a_recount_of_the_calls() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let pool = &app.db.app;
    let key = "key_alpha_rollups_0123456789";
    callboard::services::agents::set_api_key(pool, &keyring(), &scope(f.alpha.id), key)
        .await
        .unwrap();
    let a = callboard::services::agents::create(pool, &scope(f.alpha.id), "agent_r1", "One")
        .await
        .unwrap();
    let b = callboard::services::agents::create(pool, &scope(f.alpha.id), "agent_r2", "Two")
        .await
        .unwrap();
    // Real deliveries, every event of every call in a random order and some
    // twice, spread over several hours.
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let now = chrono::Utc::now().timestamp_millis();
    let mut deliveries = Vec::new();
    for i in 0..24 {
        let (agent, provider) = if i % 3 == 0 {
            (b, "agent_r2")
        } else {
            (a, "agent_r1")
        };
        let url = app.url("127.0.0.1", &format!("/webhooks/agent/{agent}"));
        for e in simulate::call_events(provider, now - i * 1_700_000, &mut rng) {
            if rng.gen_bool(0.3) {
                deliveries.push((url.clone(), e.clone()));
            }
            deliveries.push((url.clone(), e));
        }
    }
    deliveries.shuffle(&mut rng);
    for (url, e) in &deliveries {
        // Signatures are checked against the send time; events are old on purpose.
        assert_eq!(FakeRetell::send_event(url, key, e).await, 204);
    }
    rollups_match_recount(pool, f.alpha.id).await;

    // An admin's override, a rate change, and an agent deleted (its calls
    // stay, without an agent) all keep them equal.
    let mut tx = db::tx::tenant(pool, &tenant(f.alpha.id)).await.unwrap();
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM calls ORDER BY id LIMIT 5")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for (n, id) in ids.iter().enumerate() {
        callboard::services::calls::set_billable(
            pool,
            &callboard::auth::Principal::operator(f.alpha.id),
            *id,
            Some(n % 2 == 0),
        )
        .await
        .unwrap();
    }
    set_rate(pool, f.alpha.id, "2000-01-01T00:00:00Z", "33.3333").await;
    insert(
        pool,
        f.alpha.id,
        Some(a),
        &phone("2026-11-10T10:00:00Z", 61_000),
    )
    .await;
    callboard::services::agents::delete(pool, &scope(f.alpha.id), b)
        .await
        .unwrap();
    rollups_match_recount(pool, f.alpha.id).await;
}

#[tokio::test]
async fn pages_have_no_gaps_or_duplicates_while_calls_arrive() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let pool = &app.db.app;
    // 130 calls, several sharing the same second (the id breaks ties).
    let starts: Vec<String> = (0..130)
        .map(|i| format!("2026-11-10T{:02}:{:02}:00Z", 8 + i / 20, (i / 2) % 60))
        .collect();
    let mut expected = HashSet::new();
    for s in &starts {
        let s: &'static str = Box::leak(s.clone().into_boxed_str());
        expected.insert(insert(pool, f.alpha.id, None, &phone(s, 30_000)).await);
    }
    let viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;
    let url = app.org("alpha", "/api/dashboard/calls");
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut form = filter_form(ONE_DAY);
        if let Some(a) = &after {
            form.push(("after", a.clone()));
        }
        let (status, page) = api(&viewer, &url, &form).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        for line in page["lines"].as_array().unwrap() {
            seen.push(Uuid::parse_str(line["id"].as_str().unwrap()).unwrap());
        }
        // New calls arrive between page loads (newer than every page).
        insert(
            pool,
            f.alpha.id,
            None,
            &phone("2026-11-10T23:00:00Z", 1_000),
        )
        .await;
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let unique: HashSet<Uuid> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "a call appeared twice");
    assert_eq!(unique, expected, "a call was skipped");

    // A tampered cursor is refused plainly.
    let (status, _) = api(
        &viewer,
        &url,
        &filter_form(&format!("{ONE_DAY}&after=nonsense")),
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn csv_export_matches_the_filtered_calls_and_only_this_organizations() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let pool = &app.db.app;
    let billable = insert(
        pool,
        f.alpha.id,
        None,
        &phone("2026-11-10T15:00:00Z", 154_250),
    )
    .await;
    let web = NewCall {
        kind: "web_call",
        direction: None,
        from: None,
        ..phone("2026-11-10T16:00:00Z", 5_000)
    };
    let test_call = insert(pool, f.alpha.id, None, &web).await;
    insert(
        pool,
        f.alpha.id,
        None,
        &phone("2026-11-12T15:00:00Z", 1_000),
    )
    .await; // outside
    let other = insert(
        pool,
        f.bravo.id,
        None,
        &phone("2026-11-10T15:00:00Z", 60_000),
    )
    .await;

    // A viewer may export.
    let viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;
    let res = viewer
        .get(app.org("alpha", &format!("/calls/export.csv?{ONE_DAY}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"alpha-calls-2026-11-10-2026-11-10.csv\""
    );
    let body = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, callboard::services::export::COLUMNS.to_vec());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        ids,
        vec![test_call.to_string(), billable.to_string()],
        "newest first"
    );
    assert!(!body.contains(&other.to_string()));
    let b = &rows[1];
    assert_eq!(
        &b[1], "2026-11-10T08:00:00-07:00",
        "ISO time with the organization's offset"
    );
    assert_eq!(&b[9], "154.250", "duration_seconds");
    assert_eq!(&b[10], "3", "billed_minutes");
    assert_eq!(&b[11], "1.20", "cost_usd at the default 40 ¢");
    assert_eq!(&b[12], "true");
    assert_eq!(&rows[0][12], "false");
    // A test call is free: no billable minutes, its length in the duration.
    assert_eq!(&rows[0][10], "0", "a test call's billed_minutes");
    assert_eq!(&rows[0][11], "0.00");
    assert_ne!(&rows[0][9], "", "a test call's duration stays");

    // The same filter as the table: billable only.
    let res = viewer
        .get(app.org(
            "alpha",
            &format!("/calls/export.csv?{ONE_DAY}&type=billable"),
        ))
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert_eq!(body.lines().count(), 2);
    assert!(body.contains(&billable.to_string()));

    // Not signed in, or signed in elsewhere: nothing.
    let res = app
        .client()
        .get(app.org("alpha", "/calls/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let bravo = app
        .signed_in(&app.org("bravo", ""), "admin@bravo.example")
        .await;
    let body = bravo
        .get(app.org("bravo", &format!("/calls/export.csv?{ONE_DAY}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains(&other.to_string()));
    assert!(!body.contains(&billable.to_string()) && !body.contains(&test_call.to_string()));
}

#[tokio::test]
async fn call_detail_shows_the_conversation_to_members_of_its_organization_only() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let pool = &app.db.app;
    let id = insert(
        pool,
        f.alpha.id,
        None,
        &phone("2026-11-10T15:00:00Z", 61_000),
    )
    .await;
    let mut tx = db::tx::tenant(pool, &tenant(f.alpha.id)).await.unwrap();
    sqlx::query(
        "UPDATE calls SET disconnection_reason = 'user_hangup', summary = 'Booked a cleaning.',
            transcript_turns = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(json!([{"role": "agent", "content": "Hello!"}, {"role": "user", "content": "Hi, a cleaning please."}]))
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;
    let (status, c) = api(
        &viewer,
        &app.org("alpha", "/api/dashboard/call"),
        &[("id", id.to_string())],
    )
    .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["ended_because"], "The caller hung up");
    assert_eq!(c["turns"][1]["text"], "Hi, a cleaning please.");
    assert_eq!(c["turns"][0]["agent"], true);
    assert_eq!(c["line"]["charge_cents"], 80);
    assert_eq!(c["can_edit"], false);

    let bravo = app
        .signed_in(&app.org("bravo", ""), "admin@bravo.example")
        .await;
    let (status, _) = api(
        &bravo,
        &app.org("bravo", "/api/dashboard/call"),
        &[("id", id.to_string())],
    )
    .await;
    assert_eq!(status, 404);
    // The page itself renders on the server, transcript included.
    let html = viewer
        .get(app.org("alpha", &format!("/calls/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Hi, a cleaning please.") && html.contains("The caller hung up"));
}

/// Reads an event stream until `event: <name>` arrives or `wait` passes.
async fn saw_event(res: &mut reqwest::Response, name: &str, wait: Duration) -> bool {
    let want = format!("event: {name}");
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, res.chunk()).await {
            Ok(Ok(Some(bytes))) => {
                text.push_str(&String::from_utf8_lossy(&bytes));
                if text.contains(&want) {
                    return true;
                }
            }
            _ => return false,
        }
    }
}

#[tokio::test]
async fn live_events_reach_only_the_organization_whose_calls_changed_on_any_server() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let pool = &app.db.app;
    // A second server process on the same database: events travel through
    // PostgreSQL, not memory.
    let other = TestApp::spawn_with(app.db.clone(), |_| {}).await;
    let key = "key_alpha_live_0123456789";
    callboard::services::agents::set_api_key(pool, &keyring(), &scope(f.alpha.id), key)
        .await
        .unwrap();
    let agent = callboard::services::agents::create(pool, &scope(f.alpha.id), "agent_live", "Live")
        .await
        .unwrap();

    let alpha = other
        .signed_in(&other.org("alpha", ""), "viewer@alpha.example")
        .await;
    let bravo = other
        .signed_in(&other.org("bravo", ""), "admin@bravo.example")
        .await;
    let mut a = alpha
        .get(other.org("alpha", "/events"))
        .send()
        .await
        .unwrap();
    let mut b = bravo
        .get(other.org("bravo", "/events"))
        .send()
        .await
        .unwrap();
    // The console hears every organization.
    let root = other
        .signed_in(&other.platform(""), "root@callboard.localhost")
        .await;
    let mut console = root.get(other.platform("/events")).send().await.unwrap();
    assert_eq!(console.status(), 200);
    assert_eq!(a.status(), 200);
    assert_eq!(a.headers()["content-type"], "text/event-stream");
    assert!(saw_event(&mut a, "ready", Duration::from_secs(5)).await);
    assert!(saw_event(&mut b, "ready", Duration::from_secs(5)).await);
    // The second server starts listening now. A fresh listener tells every
    // stream to refresh (it may have missed something), which also tells us
    // it is listening.
    callboard::server::listen::spawn(other.state.clone());
    assert!(saw_event(&mut a, "calls", Duration::from_secs(5)).await);
    assert!(saw_event(&mut b, "calls", Duration::from_secs(5)).await);
    assert!(saw_event(&mut console, "calls", Duration::from_secs(5)).await);

    let url = app.url("127.0.0.1", &format!("/webhooks/agent/{agent}"));
    let mut rng = rand::thread_rng();
    let now = chrono::Utc::now().timestamp_millis();
    let event = simulate::call_events("agent_live", now, &mut rng).remove(0);
    let sent = tokio::time::Instant::now();
    assert_eq!(FakeRetell::send_event(&url, key, &event).await, 204);
    assert!(saw_event(&mut a, "calls", Duration::from_secs(3)).await);
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "arrived in {:?}",
        sent.elapsed()
    );
    assert!(
        !saw_event(&mut b, "calls", Duration::from_millis(1500)).await,
        "bravo heard about alpha's call"
    );
    assert!(saw_event(&mut console, "calls", Duration::from_secs(3)).await);
    // An organization's member gets no console stream.
    let res = alpha.get(other.platform("/events")).send().await.unwrap();
    assert!(res.status() == 401 || res.status() == 403);

    // No session, no stream.
    let res = other
        .client()
        .get(other.org("alpha", "/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

/// Rows of an organization's rollups per (hour, agent, billable) key, for
/// keys with more than one row.
async fn spread_keys(pool: &PgPool, org: Uuid) -> i64 {
    let mut tx = db::tx::tenant(pool, &tenant(org)).await.unwrap();
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM call_rollups WHERE organization_id = $1
           GROUP BY hour, agent_id, is_billable HAVING count(*) > 1) k",
    )
    .bind(org)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    n
}

#[tokio::test]
async fn folding_past_rollups_keeps_them_equal_to_a_recount_even_while_calls_arrive() {
    let app = TestApp::spawn().await;
    let f = fixture(&app.db.app).await;
    let pool = app.db.app.clone();
    let key = "key_alpha_fold_0123456789";
    callboard::services::agents::set_api_key(&pool, &keyring(), &scope(f.alpha.id), key)
        .await
        .unwrap();
    let agent = callboard::services::agents::create(&pool, &scope(f.alpha.id), "agent_f", "F")
        .await
        .unwrap();
    let url = app.url("127.0.0.1", &format!("/webhooks/agent/{agent}"));
    // Calls of the last few minutes: ingestion spreads each hour over slots.
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let now = chrono::Utc::now().timestamp_millis();
    let mut deliveries = Vec::new();
    for i in 0..40 {
        deliveries.extend(simulate::call_events("agent_f", now - i * 5_000, &mut rng));
    }
    for e in &deliveries[..deliveries.len() / 2] {
        assert_eq!(FakeRetell::send_event(&url, key, e).await, 204);
    }
    assert!(
        spread_keys(&pool, f.alpha.id).await > 0,
        "recent calls should be spread over slots"
    );

    // Fold everything (a cut-off in the future) again and again while the
    // other half of the events is delivered.
    let later = chrono::Utc::now() + chrono::Duration::hours(2);
    let folding = {
        let pool = pool.clone();
        tokio::spawn(async move {
            let mut rows = 0;
            for _ in 0..20 {
                rows += db::rollups::fold(&pool, None, later).await.unwrap();
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            rows
        })
    };
    for e in &deliveries[deliveries.len() / 2..] {
        assert_eq!(FakeRetell::send_event(&url, key, e).await, 204);
    }
    assert!(
        folding.await.unwrap() > 0,
        "the fold should have moved rows"
    );
    db::rollups::fold(&pool, None, later).await.unwrap();
    rollups_match_recount(&pool, f.alpha.id).await;
    assert_eq!(
        spread_keys(&pool, f.alpha.id).await,
        0,
        "one row per key after a fold"
    );

    // A change to a call from days ago lands in slot 0: nothing to fold.
    let old = insert(
        &pool,
        f.alpha.id,
        Some(agent),
        &phone("2026-11-10T10:00:00Z", 61_000),
    )
    .await;
    callboard::services::calls::set_billable(
        &pool,
        &callboard::auth::Principal::operator(f.alpha.id),
        old,
        Some(false),
    )
    .await
    .unwrap();
    assert_eq!(spread_keys(&pool, f.alpha.id).await, 0);
    rollups_match_recount(&pool, f.alpha.id).await;
}

/// Building a router (the server's start, and every test here) lists the
/// pages' routes by rendering the app with resource loading switched off
/// process-wide. A page rendered on another thread meanwhile waited forever
/// for its data (one integration run in a few hundred hung that way). With
/// routers built back to back on one thread, every dashboard rendered on
/// another must still arrive whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn building_routers_never_stalls_a_page_being_rendered() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let app = TestApp::spawn().await;
    fixture(&app.db.app).await;
    let viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;

    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let builder = {
        let (stop, state, runtime) = (
            stop.clone(),
            app.state.clone(),
            tokio::runtime::Handle::current(),
        );
        std::thread::spawn(move || {
            let _in_runtime = runtime.enter();
            let mut built = 0;
            while !stop.load(Ordering::Relaxed) {
                drop(callboard::server::router::build(state.clone()));
                built += 1;
            }
            built
        })
    };
    for i in 0..30 {
        let page = tokio::time::timeout(Duration::from_secs(10), async {
            let res = viewer.get(app.org("alpha", "/")).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        })
        .await;
        let (status, html) = page.unwrap_or_else(|_| panic!("page {i} never finished"));
        assert_eq!(status, 200);
        assert!(html.contains("Figures update as calls happen"), "{html}");
    }
    stop.store(true, Ordering::Relaxed);
    assert!(builder.join().unwrap() > 0, "no router was built meanwhile");
}
