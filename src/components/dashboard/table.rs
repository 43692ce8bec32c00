//! The calls table: newest first, fifty at a time, with links to older
//! pages by cursor. The first page follows live changes; older pages stay
//! as they are (new calls arrive at the top, so they never shift them).

use crate::api::agents::SetCallBillable;
use crate::api::dashboard::load_calls;
use crate::components::review::RequestReview;
use crate::components::status::{Badge, Empty, ErrorNotice, Loading};
use crate::domain::dashboard::{duration, money, status_label};
use crate::domain::{CallFilter, CallLine, CallsPage};
use leptos::prelude::*;

fn sentiment_tone(s: &str) -> &'static str {
    match s {
        "Positive" => "good",
        "Negative" => "bad",
        _ => "neutral",
    }
}

#[component]
pub fn CallsTable(
    /// Which calls (from the page's URL).
    filter: Signal<CallFilter>,
    /// The cursor of this page, if not the newest.
    after: Signal<Option<String>>,
    live: ReadSignal<u32>,
) -> impl IntoView {
    let billable = ServerAction::<SetCallBillable>::new();
    let page = Resource::new(
        move || {
            let tick = if after.get().is_none() { live.get() } else { 0 };
            (filter.get(), after.get(), tick, billable.version().get())
        },
        |(f, after, _, _)| load_calls(f, after),
    );
    view! {
        <section class="card calls-card" id="calls" aria-labelledby="calls-title">
            <div class="card-head">
                <h2 id="calls-title">"Calls"</h2>
                <div class="button-row">
                    <a class="button button-small" href=move || format!("/calls/export.csv?{}", filter.with(|f| f.to_query())) download="">
                        "Export CSV"
                    </a>
                    <a class="button button-small" href=move || format!("/calls/report.pdf?{}", filter.with(|f| f.to_query())) download="">
                        "PDF report"
                    </a>
                </div>
            </div>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(p) if p.lines.is_empty() && after.get_untracked().is_none() => {
                            if p.any_calls {
                                view! { <Empty title="No calls match" hint="Try a longer period or fewer filters. New calls appear here as they happen."/> }.into_any()
                            } else {
                                view! { <Empty title="No calls yet" hint="Once your voice agent is connected, every call it takes appears here within a second. Ask your account manager to connect your agent."/> }.into_any()
                            }
                        }
                        Ok(p) => view! { <Lines page=p query=filter.with_untracked(|f| f.to_query()) billable/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Lines(page: CallsPage, query: String, billable: ServerAction<SetCallBillable>) -> impl IntoView {
    let (can_edit, can_override) = (page.can_edit, page.can_override);
    let next = page.next.clone();
    let rows = page
        .lines
        .into_iter()
        .map(|c| view! { <Line c can_edit can_override billable/> })
        .collect_view();
    view! {
        <div class="table-wrap table-flat">
            <table class="table calls">
                <thead>
                    <tr>
                        <th scope="col">"Time"</th>
                        <th scope="col">"Agent"</th>
                        <th scope="col">"Direction"</th>
                        <th scope="col">"Caller"</th>
                        <th scope="col" class="num">"Duration"</th>
                        <th scope="col" class="num">"Billed min"</th>
                        <th scope="col" class="num">"Cost"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Sentiment"</th>
                        <th scope="col">"Type"</th>
                        {can_edit.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages of calls">
            <a class="button button-small" href=format!("/?{query}#calls")>"Newest"</a>
            {match next {
                Some(cursor) => view! {
                    <a class="button button-small" rel="next" href=format!("/?{query}&after={cursor}#calls")>"Older calls →"</a>
                }.into_any(),
                None => view! { <span class="muted small">"That is every call in this period."</span> }.into_any(),
            }}
        </nav>
    }
}

#[component]
fn Line(
    c: CallLine,
    can_edit: bool,
    can_override: bool,
    billable: ServerAction<SetCallBillable>,
) -> impl IntoView {
    let (label, tone) = if c.is_billable {
        ("Billable", "good")
    } else {
        ("Test", "muted")
    };
    let next = if c.is_billable { "false" } else { "true" };
    let id = c.id.to_string();
    let href = format!("/calls/{id}");
    let row_id = id.clone();
    view! {
        <tr data-call=row_id>
            <td class="nowrap"><a href=href>{c.when.clone()}</a></td>
            <td>{c.agent.clone().unwrap_or_else(|| "—".into())}</td>
            <td>{c.direction.label()}</td>
            <td class="mono nowrap">{c.party.clone().unwrap_or_else(|| "—".into())}</td>
            <td class="num">{c.duration_ms.map(duration).unwrap_or_else(|| "—".into())}</td>
            <td class="num">{c.billed_minutes}</td>
            <td class="num">{money(c.charge_cents)}</td>
            <td>{c.status.as_deref().map(status_label).unwrap_or("—")}</td>
            <td>{c.sentiment.clone().map(|s| {
                let tone = sentiment_tone(&s);
                view! { <Badge text=s tone=tone/> }
            })}</td>
            <td><Badge text=label tone=tone/></td>
            {(can_edit && !can_override).then(|| view! {
                <td class="actions"><RequestReview call_id=c.id compact=true/></td>
            })}
            {can_override.then(|| view! {
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
}
