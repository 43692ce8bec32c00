//! The REST client for the voice platform (`RETELL_API_BASE`). Every request
//! carries the organization's own key; transient failures (408, 409, 429,
//! 5xx, connection errors) are retried with exponential backoff that honours
//! `retry-after` / `retry-after-ms`. Errors become messages fit for our users,
//! which never name the vendor.

use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    attempts: u32,
    base_delay: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("The voice platform did not accept this API key.")]
    BadKey,
    #[error("The voice platform does not know that agent id.")]
    UnknownAgent,
    #[error("The voice platform is limiting requests right now. Try again in a minute.")]
    RateLimited,
    #[error("The voice platform could not be reached. Try again in a minute.")]
    Unreachable,
    #[error("The voice platform reported a problem on its side. Try again later.")]
    ServerError,
    #[error("The voice platform refused the request: {0}")]
    Refused(String),
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct AgentInfo {
    pub agent_id: String,
    #[serde(default)]
    pub agent_name: Option<String>,
}

#[derive(Deserialize)]
struct AgentPage {
    #[serde(default)]
    items: Vec<AgentInfo>,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
}

fn retryable(status: u16) -> bool {
    matches!(status, 408 | 409 | 429) || status >= 500
}

/// How long the server asked us to wait, if it said.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let read = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    read("retry-after-ms")
        .map(|ms| Duration::from_secs_f64(ms.max(0.0) / 1000.0))
        .or_else(|| read("retry-after").map(|s| Duration::from_secs_f64(s.max(0.0))))
}

impl Client {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("callboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client's settings are valid");
        Client {
            http,
            base: base.trim_end_matches('/').to_string(),
            attempts: 4,
            base_delay: Duration::from_millis(250),
        }
    }

    /// Shorter waits, for tests of the retry logic.
    pub fn with_retry(mut self, attempts: u32, base_delay: Duration) -> Self {
        self.attempts = attempts.max(1);
        self.base_delay = base_delay;
        self
    }

    async fn send(
        &self,
        key: &str,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ClientError> {
        let mut last = ClientError::Unreachable;
        for attempt in 0..self.attempts {
            let mut wait = self.base_delay * 2u32.pow(attempt);
            match build(&self.http).bearer_auth(key).send().await {
                Ok(res) if res.status().is_success() => return Ok(res),
                Ok(res) => {
                    let status = res.status().as_u16();
                    if let Some(asked) = retry_after(res.headers()) {
                        wait = asked.min(Duration::from_secs(10));
                    }
                    let message = res.json::<ErrorBody>().await.ok().and_then(|b| b.message);
                    last = match status {
                        401 | 403 => ClientError::BadKey,
                        404 | 422 => ClientError::UnknownAgent,
                        429 => ClientError::RateLimited,
                        s if s >= 500 => ClientError::ServerError,
                        _ => ClientError::Refused(
                            message
                                .unwrap_or_else(|| format!("status {status}"))
                                .chars()
                                .take(200)
                                .collect(),
                        ),
                    };
                    if !retryable(status) {
                        return Err(last);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, attempt, "voice platform request failed");
                    last = ClientError::Unreachable;
                }
            }
            if attempt + 1 < self.attempts {
                tokio::time::sleep(wait).await;
            }
        }
        Err(last)
    }

    /// `GET /get-agent/{id}`: checks a key and an agent id together.
    pub async fn get_agent(&self, key: &str, agent_id: &str) -> Result<AgentInfo, ClientError> {
        let mut url = reqwest::Url::parse(&self.base).map_err(|_| ClientError::Unreachable)?;
        url.path_segments_mut()
            .map_err(|_| ClientError::Unreachable)?
            .pop_if_empty()
            .push("get-agent")
            .push(agent_id);
        let res = self.send(key, |http| http.get(url.clone())).await?;
        res.json().await.map_err(|_| ClientError::ServerError)
    }

    /// `POST /v2/list-agents` (first page): checks a key.
    pub async fn list_agents(&self, key: &str) -> Result<Vec<AgentInfo>, ClientError> {
        let url = format!("{}/v2/list-agents", self.base);
        let res = self
            .send(key, |http| http.post(&url).json(&json!({ "limit": 100 })))
            .await?;
        res.json::<AgentPage>()
            .await
            .map(|p| p.items)
            .map_err(|_| ClientError::ServerError)
    }
}
