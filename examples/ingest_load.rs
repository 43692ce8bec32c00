//! Load generator for the ingestion benchmark (scripts/bench-ingest): N
//! concurrent senders post signed, unique `call_ended` events to several
//! organizations' agents for a fixed time, then report throughput, latency
//! percentiles and errors.
//!
//! usage: ingest_load <concurrency> <seconds> <agent_url>=<key> [<agent_url>=<key> …]

use callboard::retell::signature;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(
        args.len() >= 3,
        "usage: ingest_load <concurrency> <seconds> <url>=<key>…"
    );
    let concurrency: usize = args[0].parse()?;
    let seconds: u64 = args[1].parse()?;
    let targets: Arc<Vec<(String, String)>> = Arc::new(
        args[2..]
            .iter()
            .map(|t| {
                let (u, k) = t.split_once('=').expect("url=key");
                (u.to_string(), k.to_string())
            })
            .collect(),
    );
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let (http, targets, stop) = (http.clone(), targets.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let (url, key) = &targets[(worker + n as usize) % targets.len()];
                let now = chrono::Utc::now().timestamp_millis();
                let body = serde_json::to_vec(&json!({
                    "event": "call_ended",
                    "call": {
                        "call_id": format!("bench_{worker}_{n}_{now}"),
                        "agent_id": "agent_bench",
                        "call_type": "phone_call",
                        "direction": "inbound",
                        "from_number": "+15555550101",
                        "to_number": "+15555550199",
                        "call_status": "ended",
                        "start_timestamp": now - 95_000,
                        "end_timestamp": now,
                        "duration_ms": 95_000,
                        "disconnection_reason": "user_hangup",
                        "transcript": "Agent: Hello, how can I help?\nUser: Just checking my booking.\n",
                        "call_cost": {"combined_cost": 14.25, "total_duration_seconds": 95},
                    }
                }))
                .unwrap();
                let sig = signature::sign(key, &body, now);
                let t0 = Instant::now();
                let res = http
                    .post(url)
                    .header("content-type", "application/json")
                    .header(signature::HEADER, sig)
                    .body(body)
                    .send()
                    .await;
                let elapsed = t0.elapsed();
                match res {
                    Ok(r) if r.status().as_u16() == 204 => latencies.push(elapsed),
                    _ => errors += 1,
                }
                n += 1;
            }
            (latencies, errors)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        all.extend(l);
        errors += e;
    }
    let wall = started.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return f64::NAN;
        }
        let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
        all[i].as_secs_f64() * 1000.0
    };
    println!(
        "events_ok={} errors={} seconds={:.1} rate={:.0}/s p50_ms={:.2} p95_ms={:.2} p99_ms={:.2} max_ms={:.2}",
        all.len(),
        errors,
        wall,
        all.len() as f64 / wall,
        pct(0.50),
        pct(0.95),
        pct(0.99),
        pct(1.0)
    );
    Ok(())
}
