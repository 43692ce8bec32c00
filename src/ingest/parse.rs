//! What the webhook route needs to know about a body before storing it.

use serde_json::{Map, Value};

#[derive(Debug)]
pub enum Parsed {
    /// Not JSON, or JSON without an event name, or a lifecycle event without
    /// a call id: kept for diagnosis, answered 400.
    Malformed(String),
    /// An event with a call object to merge.
    Call {
        event: String,
        call_id: String,
        call: Map<String, Value>,
    },
    /// Any other event (stored and acknowledged, nothing to merge).
    Other { event: String },
}

pub fn parse(body: &[u8]) -> Parsed {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Parsed::Malformed(format!("not JSON: {e}")),
    };
    let Some(event) = value
        .get("event")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return Parsed::Malformed("no \"event\" name".into());
    };
    // PostgreSQL text cannot hold U+0000 (see `merge::without_nul`).
    if event.contains('\0') {
        return Parsed::Malformed("an event name with a NUL character".into());
    }
    let call = value.get("call").and_then(Value::as_object);
    let call_id = call
        .and_then(|c| c.get("call_id"))
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty() && id.len() <= 200 && !id.contains('\0'));
    match (call, call_id) {
        (Some(call), Some(id)) => Parsed::Call {
            call_id: id.to_string(),
            call: call.clone(),
            event,
        },
        _ if super::merge::is_lifecycle(&event) => {
            Parsed::Malformed(format!("{event} without a call id"))
        }
        _ => Parsed::Other { event },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_bodies() {
        assert!(matches!(parse(b"{not json"), Parsed::Malformed(_)));
        assert!(matches!(parse(b"[1,2]"), Parsed::Malformed(_)));
        assert!(matches!(
            parse(br#"{"event":"call_ended"}"#),
            Parsed::Malformed(_)
        ));
        assert!(matches!(
            parse(br#"{"event":"transfer_started"}"#),
            Parsed::Other { .. }
        ));
        assert!(matches!(
            parse(br#"{"event":"call_ended","call":{"call_id":"c1"}}"#),
            Parsed::Call { .. }
        ));
        assert!(matches!(
            parse(br#"{"event":"transcript_updated","call":{"call_id":"c1"}}"#),
            Parsed::Call { .. }
        ));
        assert!(matches!(
            parse(br#"{"event":"call_ended","call":{"call_id":"c\u00001"}}"#),
            Parsed::Malformed(_)
        ));
        assert!(matches!(
            parse(br#"{"event":"call\u0000ended","call":{"call_id":"c1"}}"#),
            Parsed::Malformed(_)
        ));
    }
}
