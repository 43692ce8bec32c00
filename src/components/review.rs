//! Billing reviews: an organization's admin asks the agency to look at
//! whether a call is billed (only the agency changes it), and the agency's
//! console lists the open requests with the decision buttons.

use super::agents::org_input;
use super::form::{outcome, FormMessage};
use super::status::{when, Badge, Empty, ErrorNotice, Loading};
use crate::api::agents::{
    billing_reviews, DismissBillingReview, RequestBillingReview, SetCallBillable,
};
use crate::domain::BillingReview;
use leptos::prelude::*;
use uuid::Uuid;

/// "Request review" for one call, with an optional note.
#[component]
pub fn RequestReview(call_id: Uuid, #[prop(optional)] compact: bool) -> impl IntoView {
    let request = ServerAction::<RequestBillingReview>::new();
    let note_id = format!("review-note-{call_id}");
    let said = move || {
        match request.value().get() {
        Some(Ok(true)) => Some(view! {
            <p class="form-success" role="status">"Review requested. Your account manager will look at it."</p>
        }.into_any()),
        Some(Ok(false)) => Some(view! {
            <p class="form-success" role="status">"A review of this call is already requested."</p>
        }.into_any()),
        Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any()),
        None => None,
    }
    };
    view! {
        <details class="review-request">
            <summary class=if compact { "button button-small" } else { "button" }>"Request review"</summary>
            <ActionForm action=request>
                <input type="hidden" name="call_id" value=call_id.to_string()/>
                <label for=note_id.clone()>"What looks wrong? (optional)"</label>
                <textarea id=note_id name="note" maxlength="500" rows="2"></textarea>
                <button type="submit" class="button button-small">"Send request"</button>
            </ActionForm>
            {said}
        </details>
    }
}

/// The agency's list of an organization's open review requests.
#[component]
pub fn ReviewsPanel(org_id: Uuid) -> impl IntoView {
    let set = ServerAction::<SetCallBillable>::new();
    let dismiss = ServerAction::<DismissBillingReview>::new();
    let list = Resource::new(
        move || (set.version().get(), dismiss.version().get()),
        move |_| billing_reviews(Some(org_id)),
    );
    view! {
        <section class="card" id="billing-reviews">
            <h2>"Billing review requests"</h2>
            <p class="muted">
                "The organization's admins ask here when they think a call is billed wrongly. "
                "Marking the call billable or test answers the request."
            </p>
            <FormMessage value=outcome(set.value()) success="Call updated; the request is answered."/>
            <FormMessage value=outcome(dismiss.value()) success="Request dismissed."/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! {
                            <Empty title="No open requests." hint="Requests from the organization's admins appear here."/>
                        }.into_any(),
                        Ok(rows) => view! { <ReviewTable rows org_id set dismiss/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ReviewTable(
    rows: Vec<BillingReview>,
    org_id: Uuid,
    set: ServerAction<SetCallBillable>,
    dismiss: ServerAction<DismissBillingReview>,
) -> impl IntoView {
    let org = Some(org_id);
    let rows = rows
        .into_iter()
        .map(|r| {
            let call = r.call_id.to_string();
            let call_d = call.clone();
            let (label, tone) = if r.is_billable { ("Billable", "good") } else { ("Test", "muted") };
            view! {
                <tr data-review=call.clone()>
                    <td>{when(r.call_started_at)}<br/><span class="muted small mono">{r.from_number.clone().unwrap_or_default()}</span></td>
                    <td class="num">{r.billed_minutes}</td>
                    <td><Badge text=label tone=tone/></td>
                    <td>{r.requested_by.clone()}<br/><span class="muted small">{when(Some(r.requested_at))}</span></td>
                    <td>{if r.note.is_empty() { "—".to_string() } else { r.note.clone() }}</td>
                    <td class="actions">
                        <Decide set org_id call=call.clone() billable="true" label="Billable"/>
                        <Decide set org_id call=call.clone() billable="false" label="Test (free)"/>
                        <ActionForm action=dismiss>
                            {org_input(org)}
                            <input type="hidden" name="call_id" value=call_d/>
                            <button type="submit" class="button button-small button-quiet">"Dismiss"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Call"</th>
                        <th scope="col" class="num">"Billed min"</th>
                        <th scope="col">"Now"</th>
                        <th scope="col">"Asked by"</th>
                        <th scope="col">"Note"</th>
                        <th scope="col"><span class="sr-only">"Decision"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One of the agency's answers: mark the call billable or test.
#[component]
fn Decide(
    set: ServerAction<SetCallBillable>,
    org_id: Uuid,
    call: String,
    billable: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action=set>
            {org_input(Some(org_id))}
            <input type="hidden" name="call_id" value=call/>
            <input type="hidden" name="billable" value=billable/>
            <button type="submit" class="button button-small">{label}</button>
        </ActionForm>
    }
}
