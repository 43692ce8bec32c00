//! Load generator for the ingestion benchmark (scripts/bench-ingest): N
//! concurrent senders post signed, unique `call_ended` events to several
//! organizations' agents for a fixed time, then report throughput, latency
//! percentiles and errors.
//!
//! usage: ingest_load <concurrency> <seconds> <agent_url>=<key> [<agent_url>=<key> …]

#[path = "common/load.rs"]
mod load;

use callboard::retell::signature;
use serde_json::json;
use std::sync::Arc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(
        args.len() >= 3,
        "usage: ingest_load <concurrency> <seconds> <url>=<key>…"
    );
    let concurrency: usize = args[0].parse()?;
    let seconds: u64 = args[1].parse()?;
    let targets = load::pairs(&args[2..]);
    let make = move |http: &reqwest::Client, worker: usize, n: u64| {
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
        http.post(url)
            .header("content-type", "application/json")
            .header(signature::HEADER, sig)
            .body(body)
    };
    load::run(concurrency, seconds, 204, "events", Arc::new(make)).await
}
