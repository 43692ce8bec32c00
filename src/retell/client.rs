//! The REST client for the voice platform (`RETELL_API_BASE`). Every request
//! carries the key it is given (the organization's own, or the agency's
//! shared one); transient failures (408, 409 where it is not a verdict, 429,
//! 5xx, connection errors) are retried with exponential backoff that honours
//! `retry-after` / `retry-after-ms`, all within one time budget (10 s: a
//! person is waiting). Errors become messages fit for our users, which never
//! name the vendor.

use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::{Duration, Instant};

/// What one request to the platform did, for the metrics: the endpoint (a
/// fixed name, never an id), the outcome, and how long it took.
pub type Observer = std::sync::Arc<dyn Fn(&'static str, &'static str, Duration) + Send + Sync>;

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    attempts: u32,
    base_delay: Duration,
    budget: Duration,
    observer: Option<Observer>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("The voice platform did not accept this API key.")]
    BadKey,
    #[error("The voice platform does not know that agent id.")]
    UnknownAgent,
    #[error("The voice platform does not have this number.")]
    UnknownNumber,
    /// The platform's own words (vendor names taken out).
    #[error("{0}")]
    Conflict(String),
    #[error("The voice platform is limiting requests right now. Try again in a minute.")]
    RateLimited,
    #[error("The voice platform could not be reached. Try again in a minute.")]
    Unreachable,
    #[error("The voice platform reported a problem on its side. Try again later.")]
    ServerError,
    #[error("The voice platform refused the request: {0}")]
    Refused(String),
}

impl ClientError {
    /// A fixed label for metrics and the activity log.
    pub fn outcome(&self) -> &'static str {
        match self {
            ClientError::BadKey => "bad_key",
            ClientError::UnknownAgent | ClientError::UnknownNumber => "unknown",
            ClientError::Conflict(_) => "conflict",
            ClientError::RateLimited => "rate_limited",
            ClientError::Unreachable => "unreachable",
            ClientError::ServerError => "server_error",
            ClientError::Refused(_) => "refused",
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct AgentInfo {
    pub agent_id: String,
    #[serde(default)]
    pub agent_name: Option<String>,
    #[serde(default)]
    pub version: Option<i64>,
}

/// One agent that answers a number, and its share of the calls.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WeightedAgent {
    pub agent_id: String,
    pub weight: f64,
}

/// What `import-phone-number` and `update-phone-number` send (the update
/// sends only what changes). Its `Debug` leaves the SIP credentials out.
#[derive(Clone, Default, Serialize, PartialEq)]
pub struct NumberRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sip_trunk_auth_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sip_trunk_auth_password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbound_webhook_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbound_agents: Option<Vec<WeightedAgent>>,
}

// The password is never printed, even in a debug log line.
impl std::fmt::Debug for NumberRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NumberRequest")
            .field("phone_number", &self.phone_number)
            .field("termination_uri", &self.termination_uri)
            .field("inbound_webhook_url", &self.inbound_webhook_url)
            .field("inbound_agents", &self.inbound_agents)
            .finish_non_exhaustive()
    }
}

/// A phone number as the platform describes it (the password is never
/// returned).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct PlatformNumber {
    pub phone_number: String,
    #[serde(default)]
    pub phone_number_pretty: Option<String>,
    #[serde(default)]
    pub termination_uri: Option<String>,
    #[serde(default)]
    pub inbound_webhook_url: Option<String>,
    #[serde(default)]
    pub inbound_agents: Option<Vec<WeightedAgent>>,
}

/// What a 422 means for the request that got it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    Agent,
    Number,
    /// Importing a number: a 409 ("already imported") is a verdict.
    Import,
    Other,
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

/// The platform's message in our words: no vendor name, one line, bounded.
fn plain(message: &str) -> String {
    let one_line: String = message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect();
    let mut out = one_line;
    for name in ["Retell AI", "RetellAI", "Retell", "retell"] {
        out = out.replace(name, "the voice platform");
    }
    out
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
            budget: Duration::from_secs(10),
            observer: None,
        }
    }

    /// Reports every request's endpoint, outcome and time to `observer`.
    pub fn observed(mut self, observer: Observer) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The whole time one call may take, retries included.
    pub fn with_budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Shorter waits, for tests of the retry logic.
    pub fn with_retry(mut self, attempts: u32, base_delay: Duration) -> Self {
        self.attempts = attempts.max(1);
        self.base_delay = base_delay;
        self
    }

    fn url(&self, segments: &[&str]) -> Result<reqwest::Url, ClientError> {
        let mut url = reqwest::Url::parse(&self.base).map_err(|_| ClientError::Unreachable)?;
        url.path_segments_mut()
            .map_err(|_| ClientError::Unreachable)?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// Sends until success, a verdict, or the budget is spent. `endpoint`
    /// names the call in metrics; `subject` says what a 422 is about; a 409
    /// on an import is a verdict ("already imported"), elsewhere a clash
    /// worth retrying.
    async fn send(
        &self,
        endpoint: &'static str,
        subject: Subject,
        key: &str,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ClientError> {
        let started = Instant::now();
        let deadline = started + self.budget;
        let result = self.attempts(subject, key, deadline, build).await;
        if let Some(observe) = &self.observer {
            let outcome = result.as_ref().map_or_else(ClientError::outcome, |_| "ok");
            observe(endpoint, outcome, started.elapsed());
        }
        result
    }

    async fn attempts(
        &self,
        subject: Subject,
        key: &str,
        deadline: Instant,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ClientError> {
        let mut last = ClientError::Unreachable;
        for attempt in 0..self.attempts {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let mut wait = self.base_delay * 2u32.pow(attempt);
            match build(&self.http)
                .bearer_auth(key)
                .timeout(left)
                .send()
                .await
            {
                Ok(res) if res.status().is_success() => return Ok(res),
                Ok(res) => {
                    let status = res.status().as_u16();
                    if let Some(asked) = retry_after(res.headers()) {
                        wait = asked;
                    }
                    let message = res.json::<ErrorBody>().await.ok().and_then(|b| b.message);
                    let said = || plain(message.as_deref().unwrap_or(""));
                    // A 422 about a number is "not found" or a complaint
                    // about what we sent (an invalid URI): the words decide.
                    let missing = || {
                        let m = said().to_lowercase();
                        m.is_empty() || m.contains("not found") || m.contains("does not exist")
                    };
                    last = match (status, subject) {
                        (401 | 403, _) => ClientError::BadKey,
                        (404 | 422, Subject::Agent) => ClientError::UnknownAgent,
                        (404 | 422, Subject::Number | Subject::Import) if missing() => {
                            ClientError::UnknownNumber
                        }
                        (409, _) if !said().is_empty() => ClientError::Conflict(said()),
                        (429, _) => ClientError::RateLimited,
                        (s, _) if s >= 500 => ClientError::ServerError,
                        _ if !said().is_empty() => ClientError::Refused(said()),
                        _ => ClientError::Refused(format!("status {status}")),
                    };
                    let verdict = status == 409 && subject == Subject::Import;
                    if verdict || !retryable(status) {
                        return Err(last);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, attempt, "voice platform request failed");
                    last = ClientError::Unreachable;
                }
            }
            // Waiting past the deadline cannot help: say what we know now.
            if attempt + 1 >= self.attempts || Instant::now() + wait >= deadline {
                break;
            }
            tokio::time::sleep(wait).await;
        }
        Err(last)
    }

    /// `GET /get-agent/{id}`: checks a key and an agent id together.
    pub async fn get_agent(&self, key: &str, agent_id: &str) -> Result<AgentInfo, ClientError> {
        let url = self.url(&["get-agent", agent_id])?;
        let res = self
            .send("get-agent", Subject::Agent, key, |http| {
                http.get(url.clone())
            })
            .await?;
        res.json().await.map_err(|_| ClientError::ServerError)
    }

    /// `POST /v2/list-agents` (first page): checks a key.
    pub async fn list_agents(&self, key: &str) -> Result<Vec<AgentInfo>, ClientError> {
        let url = format!("{}/v2/list-agents", self.base);
        let res = self
            .send("list-agents", Subject::Other, key, |http| {
                http.post(&url).json(&json!({ "limit": 100 }))
            })
            .await?;
        res.json::<AgentPage>()
            .await
            .map(|p| p.items)
            .map_err(|_| ClientError::ServerError)
    }

    /// `POST /import-phone-number`: brings a SIP number into the key's
    /// account, pointed at `request.inbound_webhook_url`.
    pub async fn import_number(
        &self,
        key: &str,
        request: &NumberRequest,
    ) -> Result<PlatformNumber, ClientError> {
        let url = self.url(&["import-phone-number"])?;
        tracing::debug!(?request, "importing a number");
        let res = self
            .send("import-phone-number", Subject::Import, key, |http| {
                http.post(url.clone()).json(request)
            })
            .await?;
        res.json().await.map_err(|_| ClientError::ServerError)
    }

    /// `PATCH /update-phone-number/{e164}` with only what changes.
    pub async fn update_number(
        &self,
        key: &str,
        e164: &str,
        request: &NumberRequest,
    ) -> Result<PlatformNumber, ClientError> {
        let url = self.url(&["update-phone-number", e164])?;
        let res = self
            .send("update-phone-number", Subject::Number, key, |http| {
                http.patch(url.clone()).json(request)
            })
            .await?;
        res.json().await.map_err(|_| ClientError::ServerError)
    }

    /// `DELETE /delete-phone-number/{e164}`; a number the platform does not
    /// have is already released, and that is success.
    pub async fn delete_number(&self, key: &str, e164: &str) -> Result<(), ClientError> {
        let url = self.url(&["delete-phone-number", e164])?;
        match self
            .send("delete-phone-number", Subject::Number, key, |http| {
                http.delete(url.clone())
            })
            .await
        {
            Ok(_) | Err(ClientError::UnknownNumber) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `GET /get-phone-number/{e164}`.
    pub async fn get_number(&self, key: &str, e164: &str) -> Result<PlatformNumber, ClientError> {
        let url = self.url(&["get-phone-number", e164])?;
        let res = self
            .send("get-phone-number", Subject::Number, key, |http| {
                http.get(url.clone())
            })
            .await?;
        res.json().await.map_err(|_| ClientError::ServerError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_request_never_prints_its_password() {
        let r = NumberRequest {
            phone_number: Some("+15555550100".into()),
            sip_trunk_auth_username: Some("trunk_user".into()),
            sip_trunk_auth_password: Some("pw-never-printed".into()),
            ..NumberRequest::default()
        };
        let shown = format!("{r:?}");
        assert!(shown.contains("+15555550100"));
        assert!(!shown.contains("pw-never-printed") && !shown.contains("trunk_user"));
        // On the wire it is there, and nothing unset is sent.
        let wire = serde_json::to_value(&r).unwrap();
        assert_eq!(wire["sip_trunk_auth_password"], "pw-never-printed");
        assert!(wire.get("termination_uri").is_none());
    }

    #[test]
    fn the_platforms_words_lose_its_name() {
        assert_eq!(
            plain("Retell could not\n find   that number"),
            "the voice platform could not find that number"
        );
        assert_eq!(plain(&"x".repeat(500)).len(), 200);
    }

    #[tokio::test]
    async fn retries_stop_within_the_budget() {
        // Nothing listens on port 9: every attempt fails at once; waits of
        // 2 s, 4 s, 8 s would take 14 s, the budget cuts them at 3 s.
        let c = Client::new("http://127.0.0.1:9")
            .with_retry(10, Duration::from_secs(2))
            .with_budget(Duration::from_secs(3));
        let started = Instant::now();
        assert_eq!(
            c.get_number("key_x", "+15555550100").await,
            Err(ClientError::Unreachable)
        );
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
    }
}
