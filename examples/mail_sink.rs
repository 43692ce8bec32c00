//! The end-to-end run's mail server: SMTP on the first address (the server's
//! outbox worker delivers there) and, on the second, `GET /messages` with
//! every message received as JSON, which the Playwright tests read to open
//! the links in them.
//!
//! usage: mail_sink <smtp address> <http address>

#[path = "common/smtp.rs"]
mod smtp;

use axum::routing::get;
use axum::{Json, Router};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(
        args.len() == 2,
        "usage: mail_sink <smtp address> <http address>"
    );
    let mailbox = smtp::Mailbox::default();
    let listener = tokio::net::TcpListener::bind(&args[0]).await?;
    tokio::spawn(smtp::serve(listener, mailbox.clone()));
    let app = Router::new().route(
        "/messages",
        get(move || {
            let mailbox = mailbox.clone();
            async move { Json(mailbox.all()) }
        }),
    );
    let http = tokio::net::TcpListener::bind(&args[1]).await?;
    axum::serve(http, app).await?;
    Ok(())
}
