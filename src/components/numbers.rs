//! An organization's phone numbers: recorded and removed by the agency in the
//! console (`org_id` given; numbers are unique platform-wide, so a client
//! must not claim one another needs), listed read-only to the
//! organization's admins on the Agents page.

use super::agents::org_input;
use super::form::{last_error, outcome, Field, FormMessage, Submit};
use super::status::{when, Badge, Empty, ErrorNotice, Loading};
use crate::api::settings::{phone_numbers, AddPhoneNumber, RemovePhoneNumber};
use crate::domain::PhoneNumber;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn NumbersPanel(org_id: Option<Uuid>) -> impl IntoView {
    let add = ServerAction::<AddPhoneNumber>::new();
    let remove = ServerAction::<RemovePhoneNumber>::new();
    let list = Resource::new(
        move || (add.version().get(), remove.version().get()),
        move |_| phone_numbers(org_id),
    );
    view! {
        <section class="card" id="phone-numbers">
            <h2>"Phone numbers"</h2>
            <p class="muted">
                "The numbers callers dial. When a call comes in on one of them, the agent answers "
                "with this organization's Agent Settings. Each number belongs to one organization."
            </p>
            <FormMessage value=outcome(remove.value()) success="Number removed."/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(numbers) => view! { <NumberTable numbers org_id remove/> }.into_any(),
                    }
                })}
            </Transition>
            {org_id.is_some().then(|| view! {
            <ActionForm action=add attr:class="inline-form">
                {org_input(org_id)}
                <Field
                    name="number"
                    id="f-number-add"
                    label="Add a number"
                    kind="tel"
                    placeholder="+14155550123"
                    hint="International format, starting with + and the country code."
                    required=true
                    error=last_error(add.value())
                />
                <FormMessage value=outcome(add.value()) success="Number added."/>
                <Submit label="Add number" busy_label="Adding…" pending=add.pending().into()/>
            </ActionForm>
            })}
        </section>
    }
}

#[component]
fn NumberTable(
    numbers: Vec<PhoneNumber>,
    org_id: Option<Uuid>,
    remove: ServerAction<RemovePhoneNumber>,
) -> impl IntoView {
    let agency = org_id.is_some();
    if numbers.is_empty() {
        let hint = if agency {
            "Add the number callers dial; it shows as connected after its first call."
        } else {
            "Your account manager connects the numbers your callers dial."
        };
        return view! { <Empty title="No numbers yet." hint=hint/> }.into_any();
    }
    let rows = numbers
        .into_iter()
        .map(|n| {
            let tone = n.status.tone();
            view! {
                <tr>
                    <td class="mono">{n.number.clone()}</td>
                    <td><Badge text=n.status.label() tone=tone/></td>
                    <td>{when(n.last_inbound_at)}</td>
                    {agency.then(|| view! {
                    <td class="actions">
                        <ActionForm action=remove>
                            {org_input(org_id)}
                            <input type="hidden" name="id" value=n.id.to_string()/>
                            <button type="submit" class="button button-small button-danger"
                                aria-label=format!("Remove {}", n.number)>
                                "Remove"
                            </button>
                        </ActionForm>
                    </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Number"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Last call"</th>
                        {agency.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
