//! The Reservations page's parts: importing files (upload, preview,
//! confirmation), the reservations and drivers tables, and editing one
//! reservation.

pub mod edit;
pub mod import;
pub mod tables;

use crate::domain::tool_data::ToolDataOverview;
use leptos::prelude::*;

/// "Reservations updated 3 h ago", amber once older than the limit.
#[component]
pub fn Freshness(o: ToolDataOverview) -> impl IntoView {
    let stale = o.stale;
    let text = format!("Reservations {}", o.freshness);
    let title = format!(
        "Counted as stale {} h after the last import.",
        o.stale_hours
    );
    let tone = if stale { "warn" } else { "good" };
    view! {
        <span id="freshness" class=format!("badge badge-{tone}") title=title data-stale=stale.to_string()>
            {text}
        </span>
    }
}
