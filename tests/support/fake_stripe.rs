//! A faithful fake of the part of Stripe's API we use: `POST /v1/customers`,
//! `/v1/invoices`, `/v1/invoiceitems` and `/v1/invoices/{id}/finalize`, with
//! bearer-key auth, form-encoded bodies, Stripe's error shape
//! (`{"error":{"type","message"}}`), and `Idempotency-Key` honoured (the
//! same key answers the first response again and makes nothing new). It
//! can be told to fail the next request to a path.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Inner {
    pub key: String,
    pub customers: Vec<Value>,
    pub invoices: Vec<Value>,
    /// (invoice id, amount in cents, description)
    pub items: Vec<(String, i64, String)>,
    idempotent: HashMap<String, (u16, Value)>,
    fail_next: Vec<String>,
    pub requests: usize,
}

#[derive(Clone)]
pub struct FakeStripe {
    pub inner: Arc<Mutex<Inner>>,
    pub addr: SocketAddr,
}

fn error(status: u16, kind: &str, message: &str) -> (u16, Value) {
    (status, json!({"error": {"type": kind, "message": message}}))
}

impl FakeStripe {
    pub async fn start(key: &str) -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            key: key.to_string(),
            ..Default::default()
        }));
        let app = Router::new()
            .route("/v1/{kind}", post(create))
            .route("/v1/invoices/{id}/finalize", post(finalize))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeStripe { inner, addr }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next request to `path` fails with a 500 (after which the
    /// client's retry must not bill twice).
    pub fn fail_next(&self, path: &str) {
        self.inner.lock().unwrap().fail_next.push(path.to_string());
    }

    pub fn with<T>(&self, f: impl FnOnce(&Inner) -> T) -> T {
        f(&self.inner.lock().unwrap())
    }
}

type Shared = Arc<Mutex<Inner>>;

fn form(body: &Bytes) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// Auth, the injected failure and the idempotency cache around `make`.
fn answer(
    inner: &Shared,
    headers: &HeaderMap,
    path: &str,
    make: impl FnOnce(&mut Inner) -> (u16, Value),
) -> Response {
    let mut s = inner.lock().unwrap();
    s.requests += 1;
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (status, body) = if auth != format!("Bearer {}", s.key) {
        error(401, "invalid_request_error", "Invalid API Key provided.")
    } else if let Some(i) = s.fail_next.iter().position(|p| p == path) {
        s.fail_next.remove(i);
        error(500, "api_error", "Something went wrong on Stripe's end.")
    } else {
        let key = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        match key.as_ref().and_then(|k| s.idempotent.get(k)) {
            Some(first) => first.clone(),
            None => {
                let made = make(&mut s);
                if let Some(k) = key {
                    if made.0 < 500 {
                        s.idempotent.insert(k, made.clone());
                    }
                }
                made
            }
        }
    };
    (StatusCode::from_u16(status).unwrap(), Json(body)).into_response()
}

async fn create(
    State(inner): State<Shared>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let path = format!("/v1/{kind}");
    answer(&inner, &headers, &path, |s| match kind.as_str() {
        "customers" => {
            let c = json!({"id": format!("cus_{}", s.customers.len() + 1), "object": "customer",
                           "name": f.get("name"), "metadata": {"organization_id": f.get("metadata[organization_id]")}});
            s.customers.push(c.clone());
            (200, c)
        }
        "invoices" => {
            let Some(customer) = f
                .get("customer")
                .filter(|c| s.customers.iter().any(|x| x["id"] == **c))
            else {
                return error(400, "invalid_request_error", "No such customer");
            };
            let i = json!({"id": format!("in_{}", s.invoices.len() + 1), "object": "invoice", "customer": customer,
                           "status": "draft", "auto_advance": f.get("auto_advance") == Some(&"true".to_string()),
                           "collection_method": f.get("collection_method"),
                           "metadata": {"statement_id": f.get("metadata[statement_id]")}});
            s.invoices.push(i.clone());
            (200, i)
        }
        "invoiceitems" => {
            let invoice = f.get("invoice").cloned().unwrap_or_default();
            let Some(draft) = s.invoices.iter().find(|i| i["id"] == invoice) else {
                return error(400, "invalid_request_error", "No such invoice");
            };
            if draft["status"] != "draft" {
                return error(
                    400,
                    "invalid_request_error",
                    "You can only add invoice items to draft invoices.",
                );
            }
            let Some(amount) = f.get("amount").and_then(|a| a.parse::<i64>().ok()) else {
                return error(
                    400,
                    "invalid_request_error",
                    "Missing required param: amount.",
                );
            };
            let description = f.get("description").cloned().unwrap_or_default();
            s.items.push((invoice.clone(), amount, description));
            (
                200,
                json!({"id": format!("ii_{}", s.items.len()), "object": "invoiceitem", "invoice": invoice, "amount": amount}),
            )
        }
        _ => error(404, "invalid_request_error", "Unrecognized request URL"),
    })
}

async fn finalize(
    State(inner): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v1/invoices/{id}/finalize");
    answer(&inner, &headers, &path, |s| {
        match s.invoices.iter_mut().find(|i| i["id"] == id) {
            Some(i) => {
                i["status"] = json!("open");
                (200, i.clone())
            }
            None => error(404, "invalid_request_error", "No such invoice"),
        }
    })
}
