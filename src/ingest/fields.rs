//! The one declaration of what a call's merge keeps: each field's name (as
//! the stored ranks spell it), where it sits in the platform's call object,
//! what kind of value it holds, and which column of the stored call
//! (`db::calls::MergedRow`, itself declared once) keeps it. It makes the
//! [`Field`] enum and both directions of the row conversion, so a field
//! cannot be merged and then lost on the way to the table, or read back
//! from the wrong column.

use crate::db::calls::MergedRow;
use serde_json::Value;

macro_rules! fields {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal at [$($path:literal),+] as $kind:ident in $col:ident; )*) => {
        /// A field of a call's merged state.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Field {
            $( $(#[$doc])* $variant, )*
        }

        impl Field {
            /// Every field, in declaration order (the order of [`Field`]'s
            /// discriminants, so `field as usize` indexes it).
            pub const ALL: &'static [Field] = &[$(Field::$variant,)*];

            /// The name in the stored ranks (`merge_ranks`) and in logs.
            pub fn name(self) -> &'static str {
                match self {
                    $(Field::$variant => $name,)*
                }
            }

            /// Where the field sits in the platform's call object.
            pub fn path(self) -> &'static [&'static str] {
                match self {
                    $(Field::$variant => &[$($path),+],)*
                }
            }

            /// The field of that name, if there is one.
            pub fn from_name(name: &str) -> Option<Field> {
                match name {
                    $($name => Some(Field::$variant),)*
                    _ => None,
                }
            }
        }

        /// Writes a field's merged value into its column.
        pub(super) fn put(row: &mut MergedRow, field: Field, value: &Value) {
            match field {
                $(Field::$variant => row.$col = kind::$kind::put(value),)*
            }
        }

        /// Takes a field's value back out of its column (null if none).
        pub(super) fn take(row: &mut MergedRow, field: Field) -> Value {
            match field {
                $(Field::$variant => kind::$kind::take(row.$col.take()),)*
            }
            .unwrap_or(Value::Null)
        }
    };
}

fields! {
    ProviderAgentId = "provider_agent_id" at ["agent_id"] as text in provider_agent_id;
    CallType = "call_type" at ["call_type"] as text in call_type;
    Direction = "direction" at ["direction"] as text in direction;
    FromNumber = "from_number" at ["from_number"] as text in from_number;
    ToNumber = "to_number" at ["to_number"] as text in to_number;
    CallStatus = "call_status" at ["call_status"] as text in call_status;
    StartMs = "start_ms" at ["start_timestamp"] as time in started_at;
    EndMs = "end_ms" at ["end_timestamp"] as time in ended_at;
    /// As reported (the billed duration, derived, is its own column).
    DurationMs = "duration_ms" at ["duration_ms"] as int in reported_duration_ms;
    DisconnectionReason = "disconnection_reason" at ["disconnection_reason"]
        as text in disconnection_reason;
    Transcript = "transcript" at ["transcript"] as text in transcript;
    TranscriptTurns = "transcript_turns" at ["transcript_object"] as json in transcript_turns;
    Summary = "summary" at ["call_analysis", "call_summary"] as text in summary;
    Sentiment = "sentiment" at ["call_analysis", "user_sentiment"] as text in sentiment;
    Successful = "successful" at ["call_analysis", "call_successful"] as flag in successful;
    InVoicemail = "in_voicemail" at ["call_analysis", "in_voicemail"] as flag in in_voicemail;
    CustomAnalysis = "custom_analysis" at ["call_analysis", "custom_analysis_data"]
        as json in custom_analysis;
    RecordingUrl = "recording_url" at ["recording_url"] as text in recording_url;
    CostCents = "cost_cents" at ["call_cost", "combined_cost"] as cost in provider_cost_cents;
    Metadata = "metadata" at ["metadata"] as json in metadata;
    DynamicVariables = "dynamic_variables" at ["retell_llm_dynamic_variables"]
        as json in dynamic_variables;
}

/// How each kind of value travels between the merge (JSON values, already
/// checked by `merge::well_typed`) and its column's type.
mod kind {
    pub mod text {
        use serde_json::Value;
        pub fn put(v: &Value) -> Option<String> {
            v.as_str().map(str::to_owned)
        }
        pub fn take(c: Option<String>) -> Option<Value> {
            c.map(Value::String)
        }
    }

    /// Milliseconds since the epoch, stored as a timestamp.
    pub mod time {
        use chrono::{DateTime, Utc};
        use serde_json::Value;
        pub fn put(v: &Value) -> Option<DateTime<Utc>> {
            v.as_i64().and_then(DateTime::from_timestamp_millis)
        }
        pub fn take(c: Option<DateTime<Utc>>) -> Option<Value> {
            c.map(|t| Value::from(t.timestamp_millis()))
        }
    }

    pub mod int {
        use serde_json::Value;
        pub fn put(v: &Value) -> Option<i64> {
            v.as_i64()
        }
        pub fn take(c: Option<i64>) -> Option<Value> {
            c.map(Value::from)
        }
    }

    pub mod flag {
        use serde_json::Value;
        pub fn put(v: &Value) -> Option<bool> {
            v.as_bool()
        }
        pub fn take(c: Option<bool>) -> Option<Value> {
            c.map(Value::Bool)
        }
    }

    pub mod json {
        use serde_json::Value;
        pub fn put(v: &Value) -> Option<Value> {
            Some(v.clone())
        }
        pub fn take(c: Option<Value>) -> Option<Value> {
            c
        }
    }

    /// The platform's number as its JSON text (a numeric column), so it
    /// reads back exactly as it came.
    pub mod cost {
        use serde_json::Value;
        pub fn put(v: &Value) -> Option<String> {
            Some(v.to_string())
        }
        pub fn take(c: Option<String>) -> Option<Value> {
            c.and_then(|t| serde_json::from_str(&t).ok())
        }
    }
}
