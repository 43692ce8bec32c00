//! Load generator for the tool benchmark (scripts/bench-tool): N concurrent
//! "agents" post signed `check_reservation` tool calls for several
//! organizations' numbers, asking for confirmation numbers that exist
//! (`BENCH-000000` … below `reservations`) and, one call in ten, by the
//! caller's phone; reports throughput, latency percentiles and errors.
//!
//! usage: tool_load <concurrency> <seconds> <url> <reservations> <number>=<key> [<number>=<key> …]

#[path = "common/load.rs"]
mod load;

use callboard::retell::signature;
use serde_json::json;
use std::sync::Arc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(
        args.len() >= 5,
        "usage: tool_load <concurrency> <seconds> <url> <reservations> <number>=<key>…"
    );
    let concurrency: usize = args[0].parse()?;
    let seconds: u64 = args[1].parse()?;
    let url = args[2].clone();
    let reservations: u64 = args[3].parse()?;
    let lines = load::pairs(&args[4..]);
    let make = move |http: &reqwest::Client, worker: usize, n: u64| {
        let (number, key) = &lines[(worker + n as usize) % lines.len()];
        let now = chrono::Utc::now().timestamp_millis();
        let pick = (worker as u64 * 7919 + n * 104_729) % reservations;
        // Spoken numbers arrive however the caller said them.
        let args = if n % 10 == 9 {
            json!({})
        } else {
            json!({ "confirmation_number": format!("bench {pick:06}") })
        };
        let body = serde_json::to_vec(&json!({
            "name": "check_reservation",
            "args": args,
            "call": {
                "call_id": format!("tool_{worker}_{n}"),
                "agent_id": "agent_shared",
                "call_type": "phone_call",
                "direction": "inbound",
                "from_number": format!("+1555555{:04}", pick % 10_000),
                "to_number": number,
                "call_status": "ongoing",
            }
        }))
        .unwrap();
        http.post(&url)
            .header("content-type", "application/json")
            .header(signature::HEADER, signature::sign(key, &body, now))
            .body(body)
    };
    load::run(concurrency, seconds, 200, "tool_calls", Arc::new(make)).await
}
