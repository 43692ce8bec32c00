//! A load generator shared by the benchmark examples: N workers each send one
//! request, wait for the answer, and send the next, for a fixed time; then
//! throughput, latency percentiles and errors are printed on one line that
//! BENCHMARKS.md quotes.
//!
//! By default the loop is closed (each worker sends as fast as answers come).
//! With `LOAD_RATE=R` it is open: the workers together send R requests a
//! second on a fixed schedule, and each latency is measured from when the
//! request was due, so a stall counts against every request it delayed
//! (no coordinated omission).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds worker `w`'s `n`-th request.
pub type MakeRequest =
    dyn Fn(&reqwest::Client, usize, u64) -> reqwest::RequestBuilder + Send + Sync;

pub async fn run(
    concurrency: usize,
    seconds: u64,
    expect_status: u16,
    label: &str,
    make: Arc<MakeRequest>,
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let rate: Option<f64> = std::env::var("LOAD_RATE").ok().and_then(|r| r.parse().ok());
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let (http, stop, make) = (http.clone(), stop.clone(), make.clone());
        // Open loop: each worker's share of the rate, workers staggered.
        let every = rate.map(|r| Duration::from_secs_f64(concurrency as f64 / r));
        let mut due = every
            .map(|e| tokio::time::Instant::now() + e.mul_f64(worker as f64 / concurrency as f64));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let req = make(&http, worker, n);
                let t0 = match (due.as_mut(), every) {
                    (Some(due), Some(every)) => {
                        tokio::time::sleep_until(*due).await;
                        let t0 = due.into_std();
                        *due += every;
                        t0
                    }
                    _ => Instant::now(),
                };
                let res = req.send().await;
                let elapsed = t0.elapsed();
                match res {
                    Ok(r) if r.status().as_u16() == expect_status => {
                        // Read the body so the connection is reused.
                        let _ = r.bytes().await;
                        latencies.push(elapsed)
                    }
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
    let mode = match rate {
        Some(r) => format!("open target={r:.0}/s"),
        None => "closed".to_string(),
    };
    println!(
        "mode={mode} {label}_ok={} errors={} seconds={:.1} rate={:.0}/s p50_ms={:.2} p95_ms={:.2} p99_ms={:.2} max_ms={:.2}",
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

/// `a=b` command-line pairs.
#[allow(dead_code)] // not every generator takes pairs
pub fn pairs(args: &[String]) -> Vec<(String, String)> {
    args.iter()
        .map(|t| {
            let (a, b) = t.split_once('=').expect("expected a=b");
            (a.to_string(), b.to_string())
        })
        .collect()
}

/// Signs in at `base` (sending `host` as the Host header) and returns the
/// headers every later request needs: the session cookie and that Host.
#[allow(dead_code)] // not every generator signs in
pub async fn sign_in(
    base: &str,
    host: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<reqwest::header::HeaderMap> {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/auth/login"))
        .header("host", host)
        .form(&[("email", email), ("password", password)])
        .send()
        .await?;
    anyhow::ensure!(
        res.status().is_success(),
        "sign-in failed: {}",
        res.status()
    );
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cb_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("no session cookie"))?;
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("cookie", cookie.parse()?);
    h.insert("host", host.parse()?);
    Ok(h)
}
