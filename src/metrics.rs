//! The process's counters (Prometheus, via `prometheus-client`). The
//! ingestion and inbound pipelines and sign-in count here; `server::metrics`
//! only serves them at `/metrics`.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;
use std::sync::Arc;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

#[derive(Clone)]
pub struct Metrics {
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
        Metrics {
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

    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}
