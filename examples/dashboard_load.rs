//! Load generator for the dashboard benchmark (scripts/bench-dashboard):
//! signs in as a member of the big organization, then measures, through the
//! real server, the dashboard summary, calls pages at several depths, call
//! detail, the full server-rendered page under concurrency, and the CSV
//! export's rate and the server's memory while it runs.
//!
//! usage: BENCH_HOST=<org host> dashboard_load <server url> <email> <password>
//!        <server pid> <seconds> <cursor>… -- <call id>…

#[path = "common/load.rs"]
mod load;

use std::sync::Arc;
use std::time::{Duration, Instant};

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(args.len() >= 6, "see the usage at the top of this file");
    let (base, email, password) = (args[0].clone(), args[1].clone(), args[2].clone());
    let pid: u32 = args[3].parse()?;
    let seconds: u64 = args[4].parse()?;
    let split = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let cursors: Vec<String> = args[5..split].to_vec();
    let calls: Vec<String> = args.get(split + 1..).unwrap_or_default().to_vec();

    // Sign in once; every request carries the session cookie and the
    // organization's Host.
    let host = std::env::var("BENCH_HOST")?;
    let headers = load::sign_in(&base, &host, &email, &password).await?;
    let http = reqwest::Client::new();

    // Everything the generator seeded: a year. Each filter goes both as the
    // typed argument (`filter[…]`) and as the query string builds before
    // issue 17 took, so one generator measures both in a before/after run
    // (scripts/bench-compare); each build ignores the other's fields.
    let year: &[(&str, &str)] = &[
        ("filter[period]", "custom"),
        ("filter[from]", "2025-11-01"),
        ("filter[to]", "2026-12-31"),
        ("query", "period=custom&from=2025-11-01&to=2026-12-31"),
    ];
    let last30: &[(&str, &str)] = &[("filter[period]", "30d"), ("query", "period=30d")];
    // The same year as the page's own URL (the export reads that).
    let year_url = "period=custom&from=2025-11-01&to=2026-12-31";

    let (b, c) = (base.clone(), headers.clone());
    load::run(
        1,
        seconds,
        200,
        "summary_30d",
        Arc::new(move |h: &reqwest::Client, _, _| {
            h.post(format!("{b}/api/dashboard"))
                .headers(c.clone())
                .form(last30)
        }),
    )
    .await?;

    let (b, c) = (base.clone(), headers.clone());
    load::run(
        1,
        seconds,
        200,
        "summary_year",
        Arc::new(move |h: &reqwest::Client, _, _| {
            h.post(format!("{b}/api/dashboard"))
                .headers(c.clone())
                .form(year)
        }),
    )
    .await?;

    // Pages at every depth given (the first page, and cursors deep inside).
    for (i, cursor) in cursors.iter().enumerate() {
        let (b, c, cursor) = (base.clone(), headers.clone(), cursor.clone());
        let label = format!("calls_page_depth{i}");
        load::run(
            1,
            seconds.min(5),
            200,
            &label,
            Arc::new(move |h: &reqwest::Client, _, _| {
                let mut form: Vec<(&str, String)> =
                    year.iter().map(|(k, v)| (*k, v.to_string())).collect();
                if cursor != "first" {
                    form.push(("after", cursor.clone()));
                }
                h.post(format!("{b}/api/dashboard/calls"))
                    .headers(c.clone())
                    .form(&form)
            }),
        )
        .await?;
    }

    let (b, c, ids) = (base.clone(), headers.clone(), calls.clone());
    load::run(
        1,
        seconds,
        200,
        "call_detail",
        Arc::new(move |h: &reqwest::Client, _, n| {
            let id = &ids[n as usize % ids.len()];
            h.post(format!("{b}/api/dashboard/call"))
                .headers(c.clone())
                .form(&[("id", id.as_str())])
        }),
    )
    .await?;

    let (b, c) = (base.clone(), headers.clone());
    load::run(
        32,
        seconds,
        200,
        "ssr_page_32_clients",
        Arc::new(move |h: &reqwest::Client, _, _| h.get(format!("{b}/")).headers(c.clone())),
    )
    .await?;

    // The export: every call of the year, counted as it streams, with the
    // server's resident memory sampled meanwhile.
    let before = rss_kib(pid);
    let peak = Arc::new(std::sync::atomic::AtomicU64::new(before));
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let started = Instant::now();
    let mut res = http
        .get(format!("{base}/calls/export.csv?{year_url}"))
        .headers(headers.clone())
        .send()
        .await?;
    anyhow::ensure!(res.status().is_success(), "export: {}", res.status());
    let (mut rows, mut bytes) = (0u64, 0u64);
    while let Some(chunk) = res.chunk().await? {
        rows += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        bytes += chunk.len() as u64;
    }
    let secs = started.elapsed().as_secs_f64();
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    sampler.await?;
    println!(
        "export_rows={} bytes={} seconds={:.2} rate={:.0}/s server_rss_before_mib={:.1} server_rss_peak_mib={:.1}",
        rows.saturating_sub(1),
        bytes,
        secs,
        rows.saturating_sub(1) as f64 / secs,
        before as f64 / 1024.0,
        peak.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1024.0
    );
    Ok(())
}
