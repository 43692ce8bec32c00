//! A faithful fake of the voice platform's REST API (same paths, bearer-key
//! auth, `{"status":"error","message":…}` error shapes, 422 for unknown ids),
//! served on a random loopback port. It records what it received, can be told
//! to fail the next requests (to exercise retries), and sends signed events
//! to the app the way the platform does.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    /// The JSON body, for requests that carry one.
    pub body: Option<Value>,
}

#[derive(Default)]
struct Inner {
    keys: Vec<String>,
    agents: Vec<(String, String)>,
    calls: Vec<Value>,
    /// Imported numbers: the key (account) that imported each, and the
    /// number as the platform keeps it (with the password, never returned).
    numbers: Vec<(String, Value)>,
    /// For the browser tests' stand-alone fake: every key that starts with
    /// `key_` is an account, every id that starts with `agent_` an agent in it.
    lenient: bool,
    /// Statuses to answer the next requests with, before normal service.
    failures: VecDeque<(u16, Option<u64>)>,
    received: Vec<Received>,
}

#[derive(Clone)]
pub struct FakeRetell {
    inner: Arc<Mutex<Inner>>,
    pub addr: SocketAddr,
}

fn error(status: u16, message: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        Json(json!({"status": "error", "message": message})),
    )
        .into_response()
}

impl FakeRetell {
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await
    }

    /// Serves on `addr` (the stand-alone fake picks its port).
    pub async fn start_on(addr: &str) -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let router = Router::new()
            .route("/get-agent/{id}", get(get_agent))
            .route("/v2/list-agents", post(list_agents))
            .route("/list-agents", get(list_agents_legacy))
            .route("/v2/get-call/{id}", get(get_call))
            .route("/v3/list-calls", post(list_calls))
            .route("/recordings/{name}", get(recording))
            .route("/import-phone-number", post(import_number))
            .route("/update-phone-number/{number}", patch(update_number))
            .route("/delete-phone-number/{number}", delete(delete_number))
            .route("/get-phone-number/{number}", get(get_number))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        FakeRetell { inner, addr }
    }

    /// Accepts any `key_…` key and knows any `agent_…` agent (the browser
    /// tests' server, where keys and agents are typed in by the tests).
    pub fn lenient(&self) {
        self.inner.lock().unwrap().lenient = true;
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn add_key(&self, key: &str) {
        self.inner.lock().unwrap().keys.push(key.into());
    }

    pub fn add_agent(&self, id: &str, name: &str) {
        self.inner
            .lock()
            .unwrap()
            .agents
            .push((id.into(), name.into()));
    }

    pub fn add_call(&self, call: Value) {
        self.inner.lock().unwrap().calls.push(call);
    }

    /// The next request is answered with `status` (and `retry-after-ms`).
    pub fn fail_next(&self, status: u16, retry_after_ms: Option<u64>) {
        self.inner
            .lock()
            .unwrap()
            .failures
            .push_back((status, retry_after_ms));
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    /// The numbers the platform holds, as `(account key, number object)`.
    pub fn numbers(&self) -> Vec<(String, Value)> {
        self.inner.lock().unwrap().numbers.clone()
    }

    /// Forgets a number, as if someone removed it in the platform's own
    /// dashboard.
    pub fn drop_number(&self, e164: &str) {
        self.inner
            .lock()
            .unwrap()
            .numbers
            .retain(|(_, n)| n["phone_number"] != e164);
    }

    /// Posts `body` to `url` signed with `key` at `timestamp_ms`, as the
    /// platform does; returns the status.
    pub async fn send_signed(url: &str, key: &str, body: &[u8], timestamp_ms: i64) -> u16 {
        let sig = callboard::retell::signature::sign(key, body, timestamp_ms);
        reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .header("x-retell-signature", sig)
            .body(body.to_vec())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// Asks the app's inbound webhook about a ringing call, as the platform
    /// does (`call_inbound`; no call object yet), signed with `key` at
    /// `timestamp_ms`, or unsigned with `None`.
    pub async fn ring(
        url: &str,
        key: Option<&str>,
        to_number: &str,
        timestamp_ms: i64,
    ) -> reqwest::Response {
        let body = serde_json::to_vec(&serde_json::json!({
            "event": "call_inbound",
            "call_inbound": {
                "agent_id": "agent_shared",
                "agent_version": 3,
                "from_number": "+15555550199",
                "to_number": to_number,
            }
        }))
        .unwrap();
        let mut req = reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json");
        if let Some(key) = key {
            let sig = callboard::retell::signature::sign(key, &body, timestamp_ms);
            req = req.header("x-retell-signature", sig);
        }
        req.body(body).send().await.unwrap()
    }

    pub async fn send_event(url: &str, key: &str, event: &Value) -> u16 {
        let body = serde_json::to_vec(event).unwrap();
        Self::send_signed(url, key, &body, chrono::Utc::now().timestamp_millis()).await
    }
}

type Shared = Arc<Mutex<Inner>>;

/// Records the request; answers a scripted failure or an auth error, if any.
fn gate(inner: &Shared, method: &str, path: String, headers: &HeaderMap) -> Option<Response> {
    gate_with(inner, method, path, headers, None)
}

/// [`gate`] for a request with a JSON body, recorded too.
fn gate_with(
    inner: &Shared,
    method: &str,
    path: String,
    headers: &HeaderMap,
    body: Option<Value>,
) -> Option<Response> {
    let mut g = inner.lock().unwrap();
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    g.received.push(Received {
        method: method.into(),
        path,
        authorization: authorization.clone(),
        body,
    });
    if let Some((status, retry_ms)) = g.failures.pop_front() {
        let mut res = error(status, "scripted failure");
        if let Some(ms) = retry_ms {
            res.headers_mut()
                .insert("retry-after-ms", ms.to_string().parse().unwrap());
        }
        return Some(res);
    }
    let key = authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer "));
    match key {
        Some(k) if g.keys.iter().any(|known| known == k) => None,
        Some(k) if g.lenient && k.starts_with("key_") => None,
        _ => Some(error(401, "Invalid API key")),
    }
}

fn agent_json(id: &str, name: &str) -> Value {
    json!({"agent_id": id, "agent_name": name, "version": 1, "webhook_url": null})
}

async fn get_agent(
    State(s): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = gate(&s, "GET", format!("/get-agent/{id}"), &headers) {
        return r;
    }
    let g = s.lock().unwrap();
    match g.agents.iter().find(|(a, _)| *a == id) {
        Some((a, n)) => Json(agent_json(a, n)).into_response(),
        None if g.lenient && id.starts_with("agent_") => {
            Json(agent_json(&id, "Voice agent")).into_response()
        }
        None => error(422, "Agent not found"),
    }
}

async fn list_agents(State(s): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(r) = gate(&s, "POST", "/v2/list-agents".into(), &headers) {
        return r;
    }
    let g = s.lock().unwrap();
    let items: Vec<Value> = g.agents.iter().map(|(a, n)| agent_json(a, n)).collect();
    Json(json!({"items": items, "has_more": false})).into_response()
}

async fn list_agents_legacy(State(s): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(r) = gate(&s, "GET", "/list-agents".into(), &headers) {
        return r;
    }
    let g = s.lock().unwrap();
    Json(Value::Array(
        g.agents.iter().map(|(a, n)| agent_json(a, n)).collect(),
    ))
    .into_response()
}

async fn get_call(State(s): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Some(r) = gate(&s, "GET", format!("/v2/get-call/{id}"), &headers) {
        return r;
    }
    let g = s.lock().unwrap();
    match g.calls.iter().find(|c| c["call_id"] == id.as_str()) {
        Some(c) => Json(c.clone()).into_response(),
        None => error(422, "Call not found"),
    }
}

async fn list_calls(
    State(s): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(r) = gate(&s, "POST", "/v3/list-calls".into(), &headers) {
        return r;
    }
    let limit = body["limit"].as_u64().unwrap_or(50).min(1000) as usize;
    let start: usize = body["pagination_key"]
        .as_str()
        .and_then(|k| k.parse().ok())
        .unwrap_or(0);
    let g = s.lock().unwrap();
    let page: Vec<Value> = g
        .calls
        .iter()
        .skip(start)
        .take(limit)
        .map(|c| {
            let mut c = c.clone();
            if let Some(o) = c.as_object_mut() {
                o.remove("transcript");
                o.remove("transcript_object");
            }
            c
        })
        .collect();
    let next = start + page.len();
    let has_more = next < g.calls.len();
    Json(json!({"items": page, "has_more": has_more, "pagination_key": has_more.then(|| next.to_string())}))
        .into_response()
}

fn bearer(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string()
}

/// The number as the platform answers about it: everything but the password.
fn public(n: &Value) -> Value {
    let mut n = n.clone();
    if let Some(o) = n.as_object_mut() {
        o.remove("sip_trunk_auth_password");
    }
    n
}

fn e164_ok(n: &str) -> bool {
    let digits = n.strip_prefix('+').unwrap_or("");
    (7..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
}

/// `POST /import-phone-number`: 201 with the number; 400 for a missing or
/// invalid field; 409 when any account already has the number.
async fn import_number(
    State(s): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(r) = gate_with(
        &s,
        "POST",
        "/import-phone-number".into(),
        &headers,
        Some(body.clone()),
    ) {
        return r;
    }
    let number = body["phone_number"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if !e164_ok(&number) {
        return error(400, "phone_number must be in E.164 format");
    }
    let uri = body["termination_uri"].as_str().unwrap_or_default();
    if uri.is_empty() || uri.contains("invalid") {
        return error(400, "Invalid termination_uri");
    }
    let mut g = s.lock().unwrap();
    if g.numbers
        .iter()
        .any(|(_, n)| n["phone_number"] == number.as_str())
    {
        return error(409, "Phone number already exists");
    }
    let mut stored = body.clone();
    let pretty = format!("({}) {}-{}", &number[2..5], &number[5..8], &number[8..]);
    stored["phone_number_pretty"] = json!(pretty);
    stored["last_modification_timestamp"] = json!(chrono::Utc::now().timestamp_millis());
    let key = bearer(&headers);
    g.numbers.push((key, stored.clone()));
    (StatusCode::CREATED, Json(public(&stored))).into_response()
}

/// The index of `number` in the account of `headers`' key.
fn owned(g: &Inner, headers: &HeaderMap, number: &str) -> Option<usize> {
    let key = bearer(headers);
    g.numbers
        .iter()
        .position(|(k, n)| *k == key && n["phone_number"] == number)
}

async fn update_number(
    State(s): State<Shared>,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let path = format!("/update-phone-number/{number}");
    if let Some(r) = gate_with(&s, "PATCH", path, &headers, Some(body.clone())) {
        return r;
    }
    if body["termination_uri"]
        .as_str()
        .is_some_and(|u| u.contains("invalid"))
    {
        return error(400, "Invalid termination_uri");
    }
    let mut g = s.lock().unwrap();
    let Some(i) = owned(&g, &headers, &number) else {
        return error(422, "Phone number not found");
    };
    if let (Some(stored), Some(changes)) = (g.numbers[i].1.as_object_mut(), body.as_object()) {
        for (k, v) in changes {
            stored.insert(k.clone(), v.clone());
        }
    }
    Json(public(&g.numbers[i].1)).into_response()
}

async fn delete_number(
    State(s): State<Shared>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = gate(
        &s,
        "DELETE",
        format!("/delete-phone-number/{number}"),
        &headers,
    ) {
        return r;
    }
    let mut g = s.lock().unwrap();
    match owned(&g, &headers, &number) {
        Some(i) => {
            g.numbers.remove(i);
            StatusCode::NO_CONTENT.into_response()
        }
        None => error(422, "Phone number not found"),
    }
}

async fn get_number(
    State(s): State<Shared>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = gate(&s, "GET", format!("/get-phone-number/{number}"), &headers) {
        return r;
    }
    let g = s.lock().unwrap();
    match owned(&g, &headers, &number) {
        Some(i) => Json(public(&g.numbers[i].1)).into_response(),
        None => error(422, "Phone number not found"),
    }
}

/// The bytes every fake recording holds.
pub const RECORDING: &[u8] = b"RIFF\x24\0\0\0WAVEfmt fake recording";

/// A call recording, as the platform's storage serves it (no auth: the URL
/// is the secret); a `Range` gets 206 with that slice.
pub async fn recording(headers: HeaderMap) -> Response {
    let range = headers
        .get("range")
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.split_once('-'))
        .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)));
    match range {
        Some((a, b)) if a <= b && b < RECORDING.len() => (
            StatusCode::PARTIAL_CONTENT,
            [
                ("content-type", "audio/wav".to_string()),
                (
                    "content-range",
                    format!("bytes {a}-{b}/{}", RECORDING.len()),
                ),
                ("set-cookie", "vendor=1".to_string()),
            ],
            RECORDING[a..=b].to_vec(),
        )
            .into_response(),
        _ => (
            [
                ("content-type", "audio/wav".to_string()),
                ("accept-ranges", "bytes".to_string()),
                ("set-cookie", "vendor=1".to_string()),
            ],
            RECORDING.to_vec(),
        )
            .into_response(),
    }
}
