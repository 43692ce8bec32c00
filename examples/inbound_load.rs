//! Load generator for the inbound-call benchmark (scripts/bench-inbound): N
//! concurrent callers post signed `call_inbound` requests for several
//! organizations' numbers to one URL for a fixed time, then report
//! throughput, latency percentiles and errors.
//!
//! usage: inbound_load <concurrency> <seconds> <url> <number>=<key> [<number>=<key> …]

#[path = "common/load.rs"]
mod load;

use callboard::retell::signature;
use serde_json::json;
use std::sync::Arc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(
        args.len() >= 4,
        "usage: inbound_load <concurrency> <seconds> <url> <number>=<key>…"
    );
    let concurrency: usize = args[0].parse()?;
    let seconds: u64 = args[1].parse()?;
    let url = args[2].clone();
    let lines = load::pairs(&args[3..]);
    let make = move |http: &reqwest::Client, worker: usize, n: u64| {
        let (number, key) = &lines[(worker + n as usize) % lines.len()];
        let now = chrono::Utc::now().timestamp_millis();
        let body = serde_json::to_vec(&json!({
            "event": "call_inbound",
            "call_inbound": {
                "agent_id": "agent_shared",
                "from_number": format!("+1555{:07}", (worker as u64 * 7919 + n) % 10_000_000),
                "to_number": number,
            }
        }))
        .unwrap();
        http.post(&url)
            .header("content-type", "application/json")
            .header(signature::HEADER, signature::sign(key, &body, now))
            .body(body)
    };
    load::run(concurrency, seconds, 200, "calls", Arc::new(make)).await
}
