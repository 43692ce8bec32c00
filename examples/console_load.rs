//! Load generator for the console benchmark (scripts/bench-console): signs
//! in as a super admin on the platform domain and measures the console's
//! home page (server-rendered, with revenue, cost and margin across every
//! organization for 30 days) and its revenue endpoint.
//!
//! usage: BENCH_HOST=<platform host> console_load <server url> <email> <password> <seconds>

#[path = "common/load.rs"]
mod load;

use std::sync::Arc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(args.len() == 4, "see the usage at the top of this file");
    let (base, email, password) = (args[0].clone(), args[1].clone(), args[2].clone());
    let seconds: u64 = args[3].parse()?;
    let host = std::env::var("BENCH_HOST")?;
    let headers = load::sign_in(&base, &host, &email, &password).await?;

    let (b, h) = (base.clone(), headers.clone());
    load::run(
        1,
        seconds,
        200,
        "revenue_30d",
        Arc::new(move |c: &reqwest::Client, _, _| {
            c.post(format!("{b}/api/platform/revenue"))
                .headers(h.clone())
                .form(&[("filter[period]", "30d")])
        }),
    )
    .await?;
    for clients in [1, 8] {
        let (b, h) = (base.clone(), headers.clone());
        load::run(
            clients,
            seconds,
            200,
            &format!("console_home_{clients}_clients"),
            Arc::new(move |c: &reqwest::Client, _, _| c.get(format!("{b}/")).headers(h.clone())),
        )
        .await?;
    }
    Ok(())
}
