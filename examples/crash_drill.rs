//! The sender of the crash-safety drill (scripts/drill-crash): signed
//! `call_ended` events, one call each, at a steady rate for a fixed time,
//! each retried like the voice platform retries (every non-2xx or failed
//! request, three more times, after 1, 2 and 4 s). While it runs, the script
//! kills PostgreSQL (`pg_ctl stop -m immediate`) and starts it again. Then it
//! checks the database (as a superuser, which row-level security does not
//! hide anything from): every call answered 2xx is there exactly once, every
//! call is there (the retries outlast the outage), and the billed minutes are
//! the sum of those sent.
//!
//! usage: crash_drill <agent_url> <key> <events_per_second> <seconds> <superuser_database_url>

use callboard::retell::signature;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Delays before each retry, like the platform's.
const RETRIES: [u64; 3] = [1, 2, 4];

struct Tally {
    acknowledged: AtomicU64,
    retried: AtomicU64,
    given_up: AtomicU64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(
        args.len() == 5,
        "usage: crash_drill <agent_url> <key> <events_per_second> <seconds> <superuser_url>"
    );
    let (url, key) = (args[0].clone(), args[1].clone());
    let rate: u64 = args[2].parse()?;
    let seconds: u64 = args[3].parse()?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let tally = Arc::new(Tally {
        acknowledged: AtomicU64::new(0),
        retried: AtomicU64::new(0),
        given_up: AtomicU64::new(0),
    });
    let run = format!("drill{}", chrono::Utc::now().timestamp_millis());
    let total = rate * seconds;
    let mut sent_minutes = 0i64;
    let mut tasks = Vec::with_capacity(total as usize);
    let start = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
    for n in 0..total {
        tick.tick().await;
        // 1 s to 10 min: billed minutes vary from call to call.
        let duration_ms = 1_000 + (n as i64 * 7_919) % 599_000;
        sent_minutes += (duration_ms + 59_999) / 60_000;
        let now = chrono::Utc::now().timestamp_millis();
        let body = serde_json::to_vec(&json!({
            "event": "call_ended",
            "call": {
                "call_id": format!("{run}_{n}"), "agent_id": "agent_drill",
                "call_type": "phone_call", "direction": "inbound", "call_status": "ended",
                "from_number": "+15555550101", "to_number": "+15555550199",
                "start_timestamp": now - duration_ms, "end_timestamp": now,
                "duration_ms": duration_ms,
            }
        }))?;
        let (http, url, key, tally) = (http.clone(), url.clone(), key.clone(), tally.clone());
        tasks.push(tokio::spawn(async move {
            for attempt in 0..=RETRIES.len() {
                if attempt > 0 {
                    tally.retried.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_secs(RETRIES[attempt - 1])).await;
                }
                // Signed anew per attempt, as the platform does.
                let at = chrono::Utc::now().timestamp_millis();
                let res = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .header(signature::HEADER, signature::sign(&key, &body, at))
                    .body(body.clone())
                    .send()
                    .await;
                if res.is_ok_and(|r| r.status().is_success()) {
                    tally.acknowledged.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            }
            tally.given_up.fetch_add(1, Ordering::Relaxed);
        }));
    }
    for t in tasks {
        t.await?;
    }
    let sending = start.elapsed();

    let db = sqlx::PgPool::connect(&args[4]).await?;
    let (calls, distinct, minutes): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT provider_call_id), coalesce(sum(billed_minutes), 0)::bigint
           FROM calls WHERE provider_call_id LIKE $1 || '\\_%'",
    )
    .bind(&run)
    .fetch_one(&db)
    .await?;
    let acknowledged = tally.acknowledged.load(Ordering::Relaxed);
    let given_up = tally.given_up.load(Ordering::Relaxed);
    println!(
        "sent {total} events in {:.1} s ({rate}/s); acknowledged {acknowledged}, retries {}, given up {given_up}",
        sending.as_secs_f64(),
        tally.retried.load(Ordering::Relaxed),
    );
    println!(
        "stored {calls} calls ({distinct} distinct), {minutes} billed minutes; sent {sent_minutes}"
    );
    let ok = given_up == 0
        && acknowledged == total
        && calls == total as i64
        && distinct == calls
        && minutes == sent_minutes;
    anyhow::ensure!(ok, "the drill failed: see the figures above");
    println!("drill passed: every call stored exactly once, billed minutes equal the sum sent");
    Ok(())
}
