//! Invoices in Stripe for closed statements, against a fake Stripe on a
//! loopback port and PostgreSQL as the app role: one invoice per statement
//! with one item per line; a round that failed halfway, run again, bills
//! nothing twice; signed webhooks mark invoices paid or failed; a bad
//! signature is refused.

mod support;

#[path = "support/fake_stripe.rs"]
mod fake_stripe;

use callboard::db::{self, PlatformAccess, TenantCtx};
use callboard::services::{invoicing, statements};
use callboard::stripe::signature;
use chrono::NaiveDate;
use reqwest::StatusCode;
use sqlx::PgPool;
use std::sync::Arc;
use support::{fixture, TestApp, TestDb};
use uuid::Uuid;

const KEY: &str = "sk_test_callboard";
const WHSEC: &str = "whsec_callboard_test";

async fn month_of_calls(pool: &PgPool, su: &PgPool, org: Uuid, month: u32, minutes: &[i64]) {
    let agent = support::make_agent(su, org, "Desk").await;
    let mut tx = db::tx::tenant(pool, &TenantCtx::without_user(org))
        .await
        .unwrap();
    for (i, m) in minutes.iter().enumerate() {
        sqlx::query(
            "INSERT INTO calls (organization_id, provider_call_id, agent_id, call_type, direction,
                from_number, to_number, call_status, started_at, ended_at, duration_ms)
             VALUES ($1, $2, $3, 'phone_call', 'inbound', '+15555550101', '+15555550199', 'ended',
                $4::timestamptz, $4::timestamptz + interval '1 minute', $5)",
        )
        .bind(org)
        .bind(format!("call_{}", Uuid::new_v4().simple()))
        .bind(agent)
        .bind(format!("2026-{month:02}-{:02}T18:00:00Z", i + 1))
        .bind(m * 60_000)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    statements::close_through(
        pool,
        PlatformAccess::operator(),
        org,
        NaiveDate::from_ymd_opt(2026, month, 1).unwrap(),
        "test",
    )
    .await
    .unwrap();
}

async fn status_of(su: &PgPool, org: Uuid) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "SELECT status, invoice_id FROM statement_invoices WHERE organization_id = $1 ORDER BY updated_at",
    )
    .bind(org)
    .fetch_all(su)
    .await
    .unwrap()
}

#[tokio::test]
async fn each_statement_becomes_one_invoice_and_a_retry_bills_nothing_twice() {
    let db = TestDb::new().await;
    let f = fixture(&db.app).await;
    let su = db.super_pool().await;
    let stripe = fake_stripe::FakeStripe::start(KEY).await;
    let client = callboard::stripe::Client::new(&stripe.base_url(), KEY);
    // Alpha: two calls in October at the default 40 ¢ (3 min, 2 min).
    month_of_calls(&db.app, &su, f.alpha.id, 10, &[3, 2]).await;
    // Bravo: the retry case; its second request to items fails once.
    month_of_calls(&db.app, &su, f.bravo.id, 10, &[1]).await;
    stripe.fail_next("/v1/invoiceitems");
    let done = invoicing::invoice_due(&db.app, &client).await.unwrap();
    assert_eq!(done, 1, "one finished, one failed halfway");
    let again = invoicing::invoice_due(&db.app, &client).await.unwrap();
    assert_eq!(again, 1, "the failed one finished");
    assert_eq!(
        invoicing::invoice_due(&db.app, &client).await.unwrap(),
        0,
        "nothing twice"
    );

    stripe.with(|s| {
        assert_eq!(s.customers.len(), 2);
        assert_eq!(s.invoices.len(), 2, "one invoice per statement");
        assert!(s
            .invoices
            .iter()
            .all(|i| i["status"] == "open" && i["auto_advance"] == true));
        let amounts = |inv: &str| -> Vec<i64> {
            s.items
                .iter()
                .filter(|(i, _, _)| i == inv)
                .map(|(_, a, _)| *a)
                .collect()
        };
        let by_customer = |org: Uuid| {
            let c = s
                .customers
                .iter()
                .find(|c| c["metadata"]["organization_id"] == org.to_string())
                .unwrap();
            s.invoices
                .iter()
                .find(|i| i["customer"] == c["id"])
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            amounts(&by_customer(f.alpha.id)),
            vec![200],
            "alpha: one line, 5 min × 40 ¢"
        );
        assert_eq!(
            amounts(&by_customer(f.bravo.id)),
            vec![40],
            "bravo: its line once, despite the retry"
        );
    });
    // The console's organization page names the customer.
    let detail =
        callboard::services::orgs::detail(&db.app, PlatformAccess::operator(), f.alpha.id, |s| {
            s.to_string()
        })
        .await
        .unwrap();
    assert!(detail
        .stripe_customer
        .is_some_and(|c| c.starts_with("cus_")));
    let alpha = status_of(&su, f.alpha.id).await;
    assert_eq!(alpha.len(), 1);
    assert_eq!(alpha[0].0, "open");

    // A new month for alpha reuses its customer.
    month_of_calls(&db.app, &su, f.alpha.id, 11, &[1]).await;
    invoicing::invoice_due(&db.app, &client).await.unwrap();
    stripe.with(|s| {
        assert_eq!(s.customers.len(), 2);
        assert_eq!(s.invoices.len(), 3);
    });
    // A wrong key is refused by Stripe and recorded, nothing made.
    month_of_calls(&db.app, &su, f.bravo.id, 11, &[2]).await;
    let wrong = callboard::stripe::Client::new(&stripe.base_url(), "sk_test_wrong");
    assert_eq!(invoicing::invoice_due(&db.app, &wrong).await.unwrap(), 0);
    let pending: (String, Option<String>) = sqlx::query_as(
        "SELECT status, last_error FROM statement_invoices i JOIN statements s ON s.id = i.statement_id
          WHERE s.organization_id = $1 AND s.month = '2026-11-01'",
    )
    .bind(f.bravo.id)
    .fetch_one(&su)
    .await
    .unwrap();
    assert_eq!(pending.0, "pending");
    assert!(pending.1.unwrap().contains("Invalid API Key"));
}

async fn send(app: &TestApp, body: &str, header: &str) -> StatusCode {
    reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{}/webhooks/stripe",
            app.addr.port()
        ))
        .header("stripe-signature", header)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn signed_webhooks_mark_invoices_paid_or_failed_and_bad_ones_are_refused() {
    let db = Arc::new(TestDb::new().await);
    let app = TestApp::spawn_with(db, |c| c.stripe_webhook_secret = Some(WHSEC.into())).await;
    let f = fixture(&app.db.app).await;
    let su = app.db.super_pool().await;
    let stripe = fake_stripe::FakeStripe::start(KEY).await;
    let client = callboard::stripe::Client::new(&stripe.base_url(), KEY);
    month_of_calls(&app.db.app, &su, f.alpha.id, 10, &[3]).await;
    month_of_calls(&app.db.app, &su, f.bravo.id, 10, &[4]).await;
    invoicing::invoice_due(&app.db.app, &client).await.unwrap();
    let invoice = |org: Uuid| {
        let su = su.clone();
        async move { status_of(&su, org).await[0].1.clone().unwrap() }
    };
    let (a, b) = (invoice(f.alpha.id).await, invoice(f.bravo.id).await);
    let now = chrono::Utc::now().timestamp();
    let event = |id: &str, kind: &str, invoice: &str| {
        serde_json::json!({"id": id, "object": "event", "type": kind,
                           "data": {"object": {"id": invoice, "object": "invoice"}}})
        .to_string()
    };

    let paid = event("evt_1", "invoice.paid", &a);
    assert_eq!(
        send(&app, &paid, &signature::sign(paid.as_bytes(), WHSEC, now)).await,
        StatusCode::OK
    );
    assert_eq!(status_of(&su, f.alpha.id).await[0].0, "paid");
    // The same event again changes nothing and is answered 200.
    assert_eq!(
        send(&app, &paid, &signature::sign(paid.as_bytes(), WHSEC, now)).await,
        StatusCode::OK
    );

    let failed = event("evt_2", "invoice.payment_failed", &b);
    // A bad signature, a stale one and none at all are refused; nothing moves.
    assert_eq!(
        send(
            &app,
            &failed,
            &signature::sign(failed.as_bytes(), "whsec_other", now)
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        send(
            &app,
            &failed,
            &signature::sign(failed.as_bytes(), WHSEC, now - 301)
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(send(&app, &failed, "").await, StatusCode::BAD_REQUEST);
    assert_eq!(status_of(&su, f.bravo.id).await[0].0, "open");
    assert_eq!(
        send(
            &app,
            &failed,
            &signature::sign(failed.as_bytes(), WHSEC, now)
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(status_of(&su, f.bravo.id).await[0].0, "failed");
    // Members see their invoice's state; the console lists what is unpaid.
    let viewer = app
        .signed_in(&app.org("alpha", ""), "viewer@alpha.example")
        .await;
    let page = support::post_json(&viewer, &app.org("alpha", "/api/org/statements")).await;
    assert_eq!(page["statements"][0]["invoice"], "paid", "{page}");
    let root = app
        .signed_in(&app.platform(""), "root@callboard.localhost")
        .await;
    let billing = support::post_json(&root, &app.platform("/api/platform/statements")).await;
    let unpaid = billing["unpaid"].as_array().unwrap();
    assert_eq!(unpaid.len(), 1, "{billing}");
    assert_eq!(unpaid[0]["org_id"], f.bravo.id.to_string());
    assert_eq!(unpaid[0]["invoice"], "failed");
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_events")
        .fetch_one(&su)
        .await
        .unwrap();
    assert_eq!(kept, 2);

    // Another organization's tenant transaction reads none of alpha's invoice.
    let mut tx = db::tx::tenant(&app.db.app, &TenantCtx::without_user(f.bravo.id))
        .await
        .unwrap();
    let seen: i64 =
        sqlx::query_scalar("SELECT count(*) FROM statement_invoices WHERE organization_id = $1")
            .bind(f.alpha.id)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(seen, 0);
    drop(tx);
    for table in ["stripe_customers", "stripe_events"] {
        let mut tx = db::tx::tenant(&app.db.app, &TenantCtx::without_user(f.bravo.id))
            .await
            .unwrap();
        let read = sqlx::query(&format!("SELECT count(*) FROM {table}"))
            .execute(&mut *tx)
            .await;
        assert!(read.is_err(), "a tenant read {table}");
    }
    app.stop();
}
