//! The console's Billing page: revenue per month (every organization's
//! statements), one month by organization, and closing a month now.

use crate::api::statements::CloseStatement;
use crate::components::form::{last_error, outcome, Field, FormMessage, Submit};
use crate::components::status::{clock, Empty};
use crate::domain::statements::{
    invoice_label, money, month_key, month_label, OrgStatement, PlatformBilling,
};
use leptos::prelude::*;

#[component]
pub fn RevenueByMonth(b: PlatformBilling) -> impl IntoView {
    let unpaid = b.unpaid.clone();
    let most = b
        .months
        .iter()
        .map(|m| m.total_cents)
        .max()
        .unwrap_or(0)
        .max(1);
    let shown = b.month;
    view! {
        <section class="card" aria-labelledby="revenue-months">
            <h2 id="revenue-months">"Revenue per month"</h2>
            {if b.months.is_empty() {
                view! { <Empty title="No statements yet" hint="Months close when they end in each organization's timezone; close one now below."/> }.into_any()
            } else {
                view! {
                    <div class="table-wrap table-flat">
                        <table class="table" id="revenue-table">
                            <thead><tr>
                                <th scope="col">"Month"</th>
                                <th scope="col" class="num">"Organizations"</th>
                                <th scope="col" class="num">"Billable calls"</th>
                                <th scope="col" class="num">"Minutes"</th>
                                <th scope="col" class="num">"Billed"</th>
                                <th scope="col"><span class="sr-only">"Share"</span></th>
                            </tr></thead>
                            <tbody>
                                {b.months.into_iter().map(|m| {
                                    let width = format!("width: {:.1}%", 100.0 * m.total_cents as f64 / most as f64);
                                    let current = shown == Some(m.month);
                                    view! {
                                        <tr class:row-current=current>
                                            <td><a href=format!("/billing?month={}", month_key(m.month))>{month_label(m.month)}</a></td>
                                            <td class="num">{m.organizations}</td>
                                            <td class="num">{m.billable_calls}</td>
                                            <td class="num">{m.billed_minutes}</td>
                                            <td class="num"><strong>{money(m.total_cents)}</strong></td>
                                            <td class="bar-cell" aria-hidden="true"><span class="bar" style=width></span></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <Unpaid rows=unpaid/>
        {shown.map(|m| {
            let clock = clock();
            view! {
                <section class="card" aria-labelledby="month-orgs">
                    <h2 id="month-orgs">{format!("{} by organization", month_label(m))}</h2>
                    <div class="table-wrap table-flat">
                        <table class="table" id="month-statements">
                            <thead><tr>
                                <th scope="col">"Organization"</th>
                                <th scope="col" class="num">"Billable calls"</th>
                                <th scope="col" class="num">"Minutes"</th>
                                <th scope="col" class="num">"Total"</th>
                                <th scope="col">"Closed"</th>
                                <th scope="col">"Invoice"</th>
                            </tr></thead>
                            <tbody>
                                {b.statements.into_iter().map(|s| view! {
                                    <tr>
                                        <td><a href=format!("/orgs/{}", s.org_id)>{s.org_name}</a></td>
                                        <td class="num">{s.billable_calls}</td>
                                        <td class="num">{s.billed_minutes}</td>
                                        <td class="num">{money(s.total_cents)}</td>
                                        <td>{clock.when(s.closed_at)}</td>
                                        <td>{invoice_label(s.invoice.as_deref())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            }
        })}
    }
}

/// Closes a month for one organization now (early, or again after a close
/// that failed); a closed month is not changed.
#[component]
pub fn CloseMonth(
    organizations: Vec<(uuid::Uuid, String)>,
    close: ServerAction<CloseStatement>,
) -> impl IntoView {
    let error = last_error(close.value());
    let done = Signal::derive(move || match close.value().get() {
        Some(Ok(0)) => Some("That month was already closed: nothing changed.".to_string()),
        Some(Ok(n)) => Some(format!("Closed: {n} statement(s) made.")),
        _ => None,
    });
    view! {
        <section class="card" aria-labelledby="close-month">
            <h2 id="close-month">"Close a month now"</h2>
            <p class="section-help">"Months close by themselves when they end in each organization's timezone. Close one early here, or again after a close that failed; earlier open months close first."</p>
            <ActionForm action=close attr:id="close-form">
                <div class="grid-2">
                    <div class="field">
                        <label for="f-close-org">"Organization"</label>
                        <select id="f-close-org" name="org_id" required=true>
                            {organizations.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                        </select>
                    </div>
                    <Field name="month" id="f-close-month" label="Month" placeholder="2026-11" required=true error hint="As year-month, e.g. 2026-11."/>
                </div>
                {move || done.get().map(|m| view! { <p class="form-success" role="status">{m}</p> })}
                {move || matches!(close.value().get(), Some(Err(_))).then(|| view! { <FormMessage value=outcome(close.value())/> })}
                <Submit label="Close month" busy_label="Closing…" pending=close.pending().into()/>
            </ActionForm>
        </section>
    }
}

/// Invoices sent and not paid, or whose payment failed, any month.
#[component]
fn Unpaid(rows: Vec<OrgStatement>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="unpaid">
            <h2 id="unpaid">"Unpaid invoices"</h2>
            {if rows.is_empty() {
                view! { <Empty title="Nothing unpaid" hint="Invoiced statements appear here until Stripe says they are paid."/> }.into_any()
            } else {
                view! {
                    <div class="table-wrap table-flat">
                        <table class="table" id="unpaid-table">
                            <thead><tr>
                                <th scope="col">"Organization"</th>
                                <th scope="col">"Month"</th>
                                <th scope="col" class="num">"Total"</th>
                                <th scope="col">"Invoice"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|s| view! {
                                    <tr>
                                        <td><a href=format!("/orgs/{}", s.org_id)>{s.org_name}</a></td>
                                        <td>{month_label(s.month)}</td>
                                        <td class="num">{money(s.total_cents)}</td>
                                        <td>{invoice_label(s.invoice.as_deref())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
