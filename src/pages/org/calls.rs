//! The latest calls on the organization's home page (the full dashboard
//! comes later): when, who, how long, billed minutes, and billable or test.

use crate::api::agents::{recent_calls, SetCallBillable};
use crate::components::status::{Badge, ErrorNotice, Loading};
use crate::domain::CallBrief;
use leptos::prelude::*;

pub fn duration(ms: Option<i64>) -> String {
    match ms {
        None => "—".into(),
        Some(ms) => {
            let s = (ms + 500) / 1000;
            if s >= 60 {
                format!("{}m {:02}s", s / 60, s % 60)
            } else {
                format!("{s}s")
            }
        }
    }
}

#[component]
pub fn RecentCalls() -> impl IntoView {
    let billable = ServerAction::<SetCallBillable>::new();
    let calls = Resource::new(move || billable.version().get(), |_| recent_calls());
    view! {
        <section class="card" id="recent-calls">
            <h2>"Latest calls"</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match calls.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(r) if r.calls.is_empty() => view! {
                            <div class="empty">
                                <p><strong>"No calls yet."</strong></p>
                                <p class="muted">"Calls appear here as soon as your voice agent is connected and answers its first call."</p>
                            </div>
                        }.into_any(),
                        Ok(r) => view! { <CallTable list=r.calls is_admin=r.can_edit billable/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CallTable(
    list: Vec<CallBrief>,
    is_admin: bool,
    billable: ServerAction<SetCallBillable>,
) -> impl IntoView {
    let rows = list.into_iter().map(|c| {
        let caller = match c.direction.as_deref() {
            Some("outbound") => c.to_number.clone(),
            _ => c.from_number.clone(),
        }.unwrap_or_else(|| if c.is_web { "Web test".into() } else { "Unknown".into() });
        let (label, tone) = if c.is_billable { ("Billable", "good") } else { ("Test", "muted") };
        let next = if c.is_billable { "false" } else { "true" };
        let id = c.id.to_string();
        view! {
            <tr>
                <td>{c.started_at.map(|t| t.format("%b %-d, %H:%M UTC").to_string()).unwrap_or_else(|| "—".into())}</td>
                <td>{c.direction.clone().map(|d| if d == "outbound" { "Outbound" } else { "Inbound" }).unwrap_or("Web")}</td>
                <td class="mono">{caller}</td>
                <td class="num">{duration(c.duration_ms)}</td>
                <td class="num">{c.billed_minutes}</td>
                <td>{c.status.clone().unwrap_or_default()}</td>
                <td>{c.sentiment.clone().unwrap_or_default()}</td>
                <td><Badge text=label tone=tone/></td>
                {is_admin.then(|| view! {
                    <td class="actions">
                        <ActionForm action=billable>
                            <input type="hidden" name="call_id" value=id.clone()/>
                            <input type="hidden" name="billable" value=next/>
                            <button type="submit" class="button button-small">
                                {if c.is_billable { "Mark as test" } else { "Mark billable" }}
                            </button>
                        </ActionForm>
                    </td>
                })}
            </tr>
        }
    }).collect_view();
    view! {
        <div class="table-wrap">
            <table class="table calls">
                <thead>
                    <tr>
                        <th scope="col">"Time"</th>
                        <th scope="col">"Direction"</th>
                        <th scope="col">"Caller"</th>
                        <th scope="col" class="num">"Duration"</th>
                        <th scope="col" class="num">"Billed min"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Sentiment"</th>
                        <th scope="col">"Type"</th>
                        {is_admin.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
