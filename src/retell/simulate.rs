//! Realistic call events, signed like the voice platform signs them, sent
//! through the real webhook route: `callboard simulate-calls`. Lets anyone
//! watch data arrive without a phone.

use super::signature;
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

const OPENINGS: &[&str] = &[
    "Thank you for calling. How can I help you today?",
    "Hello, thanks for calling. What can I do for you?",
];
const REQUESTS: &[(&str, &str, &str)] = &[
    (
        "I need to check my pickup time for tomorrow.",
        "Your pickup is confirmed for 7:15 in the morning.",
        "The caller confirmed tomorrow's 7:15 AM pickup.",
    ),
    (
        "Can I move my booking to Friday?",
        "Done — your booking is now on Friday at 2 PM.",
        "The caller moved a booking to Friday at 2 PM.",
    ),
    (
        "What are your opening hours?",
        "We are open from 6 AM to 10 PM every day.",
        "The caller asked about opening hours.",
    ),
    (
        "I'd like a quote for a group of twelve.",
        "I have noted your request; our team will call you back today.",
        "The caller requested a quote for a group of twelve.",
    ),
    (
        "I want to cancel my reservation.",
        "Your reservation has been cancelled, and you will get an email.",
        "The caller cancelled a reservation.",
    ),
];
const SENTIMENTS: &[&str] = &["Positive", "Positive", "Neutral", "Neutral", "Negative"];
const ENDINGS: &[&str] = &[
    "user_hangup",
    "user_hangup",
    "agent_hangup",
    "call_transfer",
    "voicemail_reached",
];

/// The three lifecycle events of one simulated call, in the order they happen.
pub fn call_events(provider_agent_id: &str, now_ms: i64, rng: &mut impl Rng) -> Vec<Value> {
    let call_id = format!("call_sim_{:016x}", rng.gen::<u64>());
    let web = rng.gen_bool(0.1);
    let inbound = rng.gen_bool(0.8);
    let duration_ms: i64 = rng.gen_range(15_000..480_000);
    let end = now_ms - rng.gen_range(0..5_000);
    let start = end - duration_ms;
    let (ask, answer, summary) = REQUESTS.choose(rng).copied().unwrap_or(REQUESTS[0]);
    let opening = OPENINGS.choose(rng).copied().unwrap_or(OPENINGS[0]);
    let caller = format!("+1555555{:04}", rng.gen_range(0..10_000));
    let office = "+15555550199".to_string();
    let mut base = json!({
        "call_id": call_id,
        "agent_id": provider_agent_id,
        "agent_version": 1,
        "call_type": if web { "web_call" } else { "phone_call" },
        "start_timestamp": start,
        "metadata": {},
    });
    if !web {
        let (from, to) = if inbound {
            (caller, office)
        } else {
            (office, caller)
        };
        base["direction"] = json!(if inbound { "inbound" } else { "outbound" });
        base["from_number"] = json!(from);
        base["to_number"] = json!(to);
    }
    let turns = json!([
        {"role": "agent", "content": opening, "words": []},
        {"role": "user", "content": ask, "words": []},
        {"role": "agent", "content": answer, "words": []},
    ]);
    let transcript = format!("Agent: {opening}\nUser: {ask}\nAgent: {answer}\n");
    let seconds = (duration_ms + 999) / 1000;
    // 0.15 cents per second, as the platform reports it (cents, may be fractional).
    let cost = json!({
        "product_costs": [{"product": "voice_engine", "unit_price": 0.15, "cost": seconds as f64 * 0.15}],
        "total_duration_seconds": seconds,
        "total_duration_unit_price": 0.15,
        "combined_cost": (seconds * 15) as f64 / 100.0,
    });
    let mut started = base.clone();
    started["call_status"] = json!("ongoing");
    let mut ended = base.clone();
    ended["call_status"] = json!("ended");
    ended["end_timestamp"] = json!(end);
    ended["duration_ms"] = json!(duration_ms);
    ended["disconnection_reason"] = json!(ENDINGS.choose(rng).copied().unwrap_or("user_hangup"));
    ended["transcript"] = json!(transcript);
    ended["transcript_object"] = turns;
    ended["recording_url"] = json!(format!("https://recordings.invalid/{call_id}.wav"));
    ended["call_cost"] = cost;
    let mut analyzed = ended.clone();
    analyzed["call_analysis"] = json!({
        "call_summary": summary,
        "user_sentiment": SENTIMENTS.choose(rng).copied().unwrap_or("Neutral"),
        "call_successful": rng.gen_bool(0.85),
        "in_voicemail": false,
        "custom_analysis_data": {},
    });
    vec![
        json!({"event": "call_started", "call": started}),
        json!({"event": "call_ended", "call": ended}),
        json!({"event": "call_analyzed", "call": analyzed}),
    ]
}

/// Sends one event to `url`, signed with `key` at the current time.
pub async fn send(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    event: &Value,
) -> anyhow::Result<u16> {
    let body = serde_json::to_vec(event)?;
    let now = chrono::Utc::now().timestamp_millis();
    let res = http
        .post(url)
        .header("content-type", "application/json")
        .header(signature::HEADER, signature::sign(key, &body, now))
        .body(body)
        .send()
        .await?;
    Ok(res.status().as_u16())
}
