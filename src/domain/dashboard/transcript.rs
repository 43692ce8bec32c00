//! A call's conversation, as turns.

use super::Turn;

/// The transcript as turns: from the structured turns when present,
/// otherwise from the text's "Agent:" / "User:" lines.
pub fn turns(structured: Option<&serde_json::Value>, text: Option<&str>) -> Vec<Turn> {
    if let Some(list) = structured.and_then(|v| v.as_array()) {
        let turns: Vec<Turn> = list
            .iter()
            .filter_map(|t| {
                let text = t.get("content")?.as_str()?.trim();
                (!text.is_empty()).then(|| Turn {
                    agent: t.get("role").and_then(|r| r.as_str()) == Some("agent"),
                    text: text.to_string(),
                })
            })
            .collect();
        if !turns.is_empty() {
            return turns;
        }
    }
    let mut out: Vec<Turn> = Vec::new();
    for line in text.unwrap_or("").lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("Agent:") {
            out.push(Turn {
                agent: true,
                text: rest.trim().into(),
            });
        } else if let Some(rest) = line.strip_prefix("User:") {
            out.push(Turn {
                agent: false,
                text: rest.trim().into(),
            });
        } else if let Some(last) = out.last_mut().filter(|_| !line.is_empty()) {
            last.text.push(' ');
            last.text.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dashboard::ended_because;
    #[test]
    fn transcripts_become_turns() {
        let structured = serde_json::json!([
            {"role": "agent", "content": "Hello, Mesa Dental."},
            {"role": "user", "content": "Hi, I need a cleaning."}
        ]);
        let t = turns(Some(&structured), None);
        assert_eq!(t.len(), 2);
        assert!(t[0].agent && !t[1].agent);
        let t = turns(None, Some("Agent: Hello\nUser: Hi there\nstill me\n"));
        assert_eq!(t[1].text, "Hi there still me");
        assert_eq!(ended_because("dial_no_answer"), "Nobody answered");
        assert_eq!(ended_because("new_reason_x"), "New reason x");
    }
}
