//! 4. Phone number: the numbers callers dial, and their state.

use crate::components::status::{when, Badge, Empty};
use crate::domain::PhoneNumber;
use leptos::prelude::*;

#[component]
pub(super) fn NumbersSection(numbers: Vec<PhoneNumber>) -> impl IntoView {
    let body = if numbers.is_empty() {
        view! {
            <Empty title="No phone number connected yet." hint="Your account manager connects your number; it then appears here."/>
        }
        .into_any()
    } else {
        view! {
            <ul class="number-list">
                {numbers.into_iter().map(|n| {
                    let tone = n.status.tone();
                    view! {
                        <li>
                            <span class="mono">{n.number}</span>
                            " " <Badge text=n.status.label() tone=tone/>
                            <span class="muted small">{format!(" · last call {}", when(n.last_inbound_at))}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card settings-section" aria-labelledby="sec-number">
            <h2 id="sec-number">"4. Phone number"</h2>
            <p class="section-help">"The number callers dial to reach your agent."</p>
            {body}
        </section>
    }
    .into_any()
}
