//! Stripe, for invoices of closed statements: a small client for the four
//! calls we make (customers, invoices, invoice items, finalize) — form
//! bodies, a bearer key, an `Idempotency-Key` on every call so a retry
//! never bills twice — and the check of Stripe's webhook signatures.

pub mod signature;

use serde_json::Value;
use std::time::Duration;

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("stripe::Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// What went wrong, in words for the console (never the key).
#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    #[error("Stripe refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
    #[error("Stripe could not be reached: {0}")]
    Unreachable(String),
}

impl Client {
    pub fn new(base: &str, key: &str) -> Self {
        Client {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("an HTTP client"),
            base: base.trim_end_matches('/').to_string(),
            key: key.to_string(),
        }
    }

    /// `POST {base}{path}` with a form body; the same `idempotency_key`
    /// gets the first answer again instead of a second object.
    pub async fn post(
        &self,
        path: &str,
        form: &[(&str, String)],
        idempotency_key: &str,
    ) -> Result<Value, StripeError> {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .header("Idempotency-Key", idempotency_key)
            .form(form)
            .send()
            .await
            .map_err(|e| StripeError::Unreachable(e.without_url().to_string()))?;
        let status = res.status().as_u16();
        let body: Value = res
            .json()
            .await
            .map_err(|e| StripeError::Unreachable(e.without_url().to_string()))?;
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            let message = body["error"]["message"]
                .as_str()
                .unwrap_or("no message")
                .to_string();
            Err(StripeError::Refused { status, message })
        }
    }
}

/// The `id` of an object Stripe answered with.
pub fn id(v: &Value) -> Result<String, StripeError> {
    v["id"]
        .as_str()
        .map(str::to_string)
        .ok_or(StripeError::Refused {
            status: 200,
            message: "the answer has no id".into(),
        })
}
