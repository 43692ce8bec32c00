//! Delivering the outbox over SMTP (`lettre`): due messages are claimed in a
//! short transaction, sent outside it, and each attempt is recorded; a
//! failure is tried again later, waiting longer each time (30 s, 1 min, 2
//! min, … at most an hour). Without `CALLBOARD_SMTP_URL` nothing is sent
//! and messages wait in the outbox, where the console shows them.

use crate::db::{self, PlatformAccess};
use crate::domain::mail::Message;
use crate::error::AppError;
use lettre::message::{header::ContentTransferEncoding, Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sqlx::PgPool;
use std::time::Duration;

/// Messages claimed per round, and how long a claim lasts: longer than a
/// round can take (each send times out after 15 s), so no other process
/// takes a message back while this one may still send it.
const BATCH: i64 = 5;
const LEASE_SECS: i64 = 120;

/// The SMTP connection settings and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: String,
}

impl Mailer {
    /// From `CALLBOARD_SMTP_URL` (`smtp://host:port`, `smtps://user:pass@host`)
    /// and `CALLBOARD_MAIL_FROM` (an address).
    pub fn new(smtp_url: Option<&str>, from: &str) -> anyhow::Result<Mailer> {
        let transport = match smtp_url {
            None => None,
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("CALLBOARD_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(15)))
                    .build(),
            ),
        };
        from.parse::<lettre::Address>()
            .map_err(|e| anyhow::anyhow!("CALLBOARD_MAIL_FROM: {e}"))?;
        Ok(Mailer {
            transport,
            from: from.to_string(),
        })
    }

    /// Sends nothing: messages stay in the outbox.
    pub fn off(from: &str) -> Mailer {
        Mailer {
            transport: None,
            from: from.to_string(),
        }
    }

    pub fn configured(&self) -> bool {
        self.transport.is_some()
    }

    /// The message as MIME: text and HTML alternatives, 8-bit (links stay
    /// whole), from the organization's name at our address.
    fn build(&self, m: &Message) -> Result<lettre::Message, String> {
        let from = Mailbox::new(
            Some(m.from_name.clone()),
            self.from.parse().map_err(|e| format!("sender: {e}"))?,
        );
        let to: Mailbox = m.to.parse().map_err(|e| format!("recipient: {e}"))?;
        // 8-bit keeps text (and its links) as written; a line too long for
        // it (an HTML body) gets the encoding lettre picks.
        let body = |s: &str| -> Result<Body, String> {
            Ok(
                Body::new_with_encoding(s.to_string(), ContentTransferEncoding::EightBit)
                    .unwrap_or_else(|_| Body::new(s.to_string())),
            )
        };
        lettre::Message::builder()
            .from(from)
            .to(to)
            .subject(m.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::plain(body(&m.text)?))
                    .singlepart(SinglePart::html(body(&m.html)?)),
            )
            .map_err(|e| format!("building the message: {e}"))
    }

    async fn send(&self, m: &Message) -> Result<(), String> {
        let Some(transport) = &self.transport else {
            return Err("no SMTP server is configured".into());
        };
        let email = self.build(m)?;
        transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The console's list (super admins).
pub async fn recent(
    pool: &PgPool,
    access: PlatformAccess,
    limit: i64,
) -> Result<Vec<crate::domain::system::OutboxLine>, AppError> {
    let mut tx = db::tx::platform(pool, access).await?;
    let list = db::outbox::recent(&mut tx, limit).await?;
    tx.commit().await?;
    Ok(list)
}

/// How long to wait before attempt `n + 1` after `n` failed ones.
fn backoff(attempts: i32) -> chrono::Duration {
    let secs = 30i64.saturating_mul(1 << attempts.clamp(0, 7));
    chrono::Duration::seconds(secs.min(3600))
}

/// One round: claims due messages and sends them. Answers how many were sent.
pub async fn deliver_due(pool: &PgPool, mailer: &Mailer) -> Result<usize, AppError> {
    if !mailer.configured() {
        return Ok(0);
    }
    let mut tx = db::tx::platform(pool, PlatformAccess::mail()).await?;
    let due = db::outbox::claim(&mut tx, BATCH, LEASE_SECS).await?;
    tx.commit().await?;
    let mut sent = 0;
    for p in due {
        let result = mailer.send(&p.message).await;
        let now = chrono::Utc::now();
        let (error, retry_at) = match &result {
            Ok(()) => (None, now),
            Err(e) => (Some(e.as_str()), now + backoff(p.attempts)),
        };
        if let Err(e) = &result {
            tracing::warn!(id = %p.id, attempts = p.attempts + 1, error = %e, "could not send an e-mail; will retry");
        } else {
            sent += 1;
        }
        let mut tx = db::tx::platform(pool, PlatformAccess::mail()).await?;
        db::outbox::record(&mut tx, p.id, error, retry_at).await?;
        tx.commit().await?;
    }
    Ok(sent)
}

/// The worker: a round when a message is written (`NOTIFY outbox`, from
/// any process) and every few seconds for retries that come due.
pub fn spawn(pool: PgPool, mailer: Mailer) {
    if !mailer.configured() {
        tracing::info!(
            "no CALLBOARD_SMTP_URL: e-mails stay in the outbox (the console shows them)"
        );
        return;
    }
    tokio::spawn(async move {
        let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await.ok();
        if let Some(l) = listener.as_mut() {
            if l.listen("outbox").await.is_err() {
                listener = None;
            }
        }
        loop {
            match deliver_due(&pool, &mailer).await {
                Ok(n) if n > 0 => tracing::debug!(sent = n, "delivered e-mails"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "could not deliver the outbox"),
            }
            let tick = tokio::time::sleep(Duration::from_secs(3));
            match listener.as_mut() {
                Some(l) => {
                    tokio::select! {
                        _ = tick => {}
                        got = l.recv() => if got.is_err() { tokio::time::sleep(Duration::from_secs(1)).await },
                    }
                }
                None => tick.await,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        let waits: Vec<i64> = (0..10).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(waits[..5], [30, 60, 120, 240, 480]);
        assert!(waits.iter().all(|w| *w <= 3600));
        assert_eq!(waits[9], 3600);
    }
}
