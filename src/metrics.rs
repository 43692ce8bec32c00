//! The process's counters (Prometheus, via `prometheus-client`). The
//! ingestion and inbound pipelines and sign-in count here; `server::metrics`
//! only serves them at `/metrics`.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::Arc;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VoiceApiLabels {
    endpoint: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabels {
    endpoint: String,
}

fn latency_histogram() -> Histogram {
    // 10 ms to ~20 s: one user action may take up to 10 s with retries.
    Histogram::new(exponential_buckets(0.01, 2.0, 12))
}

#[derive(Clone)]
pub struct Metrics {
    tool_calls: Family<OutcomeLabels, Counter>,
    tool_seconds: Histogram,
    voice_api: Family<VoiceApiLabels, Counter>,
    voice_api_seconds: Family<EndpointLabels, Histogram, fn() -> Histogram>,
    registry: Arc<Registry>,
    webhooks: Family<OutcomeLabels, Counter>,
    inbound: Family<OutcomeLabels, Counter>,
    batches: Counter,
    sign_in_limited: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("callboard");
        let webhooks = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "webhook_events",
            "Call-event webhook requests by outcome (merged, stored, duplicate, malformed, unknown_agent, too_large, rejected_*, failed)",
            webhooks.clone(),
        );
        let inbound = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "inbound_calls",
            "Inbound-call webhook requests by outcome (answered, unknown_number, suspended, malformed, rejected_*, failed)",
            inbound.clone(),
        );
        let batches = Counter::default();
        registry.register(
            "webhook_transactions",
            "Transactions that stored call-event webhooks (several deliveries for one organization share one)",
            batches.clone(),
        );
        let sign_in_limited = Counter::default();
        registry.register(
            "sign_in_rate_limited",
            "Sign-in attempts refused by the per-IP or per-account limit (not written to the activity log)",
            sign_in_limited.clone(),
        );
        let voice_api = Family::<VoiceApiLabels, Counter>::default();
        registry.register(
            "voice_api_requests",
            "Calls to the voice platform's API by endpoint and outcome (ok, bad_key, unknown, conflict, rate_limited, unreachable, server_error, refused), retries included",
            voice_api.clone(),
        );
        let voice_api_seconds =
            Family::<EndpointLabels, Histogram, fn() -> Histogram>::new_with_constructor(
                latency_histogram,
            );
        registry.register(
            "voice_api_seconds",
            "Time each call to the voice platform's API took, retries included, by endpoint",
            voice_api_seconds.clone(),
        );
        let tool_calls = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "tool_calls",
            "check_reservation tool calls by outcome (found, not_found, refused, malformed, failed)",
            tool_calls.clone(),
        );
        let tool_seconds = latency_histogram();
        registry.register(
            "tool_seconds",
            "Time to answer a check_reservation tool call",
            tool_seconds.clone(),
        );
        Metrics {
            tool_calls,
            tool_seconds,
            voice_api,
            voice_api_seconds,
            sign_in_limited,
            registry: Arc::new(registry),
            webhooks,
            inbound,
            batches,
        }
    }
}

impl Metrics {
    /// Labels are outcomes only, a fixed set: never agent or organization ids
    /// (an agent id is its webhook URL's secret, and ids would grow the
    /// label set without bound).
    pub fn webhook(&self, outcome: &'static str) {
        self.webhooks
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_string(),
            })
            .inc();
    }

    /// One transaction of stored webhook deliveries (`ingest::batch`).
    pub fn webhook_transaction(&self) {
        self.batches.inc();
    }

    pub fn sign_in_rate_limited(&self) {
        self.sign_in_limited.inc();
    }

    pub fn inbound(&self, outcome: &'static str) {
        self.inbound
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_string(),
            })
            .inc();
    }

    /// One call to the voice platform (endpoint names are a fixed set; no
    /// organization, number or agent in the labels).
    pub fn voice_api(
        &self,
        endpoint: &'static str,
        outcome: &'static str,
        took: std::time::Duration,
    ) {
        self.voice_api
            .get_or_create(&VoiceApiLabels {
                endpoint: endpoint.to_string(),
                outcome: outcome.to_string(),
            })
            .inc();
        self.voice_api_seconds
            .get_or_create(&EndpointLabels {
                endpoint: endpoint.to_string(),
            })
            .observe(took.as_secs_f64());
    }

    /// One tool call (outcomes are a fixed set; no organization).
    pub fn tool_call(&self, outcome: &'static str, took: std::time::Duration) {
        self.tool_calls
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_string(),
            })
            .inc();
        self.tool_seconds.observe(took.as_secs_f64());
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}
