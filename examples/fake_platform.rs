//! The fake voice platform as a stand-alone server, for the browser tests
//! (`scripts/lib.sh` starts it and points the e2e server's
//! `RETELL_API_BASE` at it). The same code as the integration tests' fake:
//! real HTTP, the platform's paths, bearer-key auth and error shapes; here in
//! its lenient mode, where any `key_…` key is an account and any `agent_…`
//! id an agent, since the tests type their own.
//!
//!   cargo run --example fake_platform -- 127.0.0.1:3190

#[path = "../tests/support/fake_retell.rs"]
#[allow(dead_code)]
mod fake_retell;

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3190".into());
    let fake = fake_retell::FakeRetell::start_on(&addr).await;
    fake.lenient();
    println!("fake voice platform on {}", fake.base_url());
    // Serves until killed.
    std::future::pending::<()>().await;
}
