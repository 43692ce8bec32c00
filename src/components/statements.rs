//! Statements: the list of closed months with this month so far, and one
//! month's statement line by line.

use crate::components::status::{clock, Empty};
use crate::domain::statements::{
    invoice_label, money, month_key, month_label, Statement, StatementsPage,
};
use leptos::prelude::*;

#[component]
pub fn StatementList(page: StatementsPage) -> impl IntoView {
    let so_far = page.so_far.clone();
    let rows = page.statements.clone();
    view! {
        <section class="card" aria-labelledby="so-far">
            <h2 id="so-far">{format!("{} so far", month_label(so_far.month))}</h2>
            <p class="stat-line">
                <strong>{money(so_far.cents)}</strong>
                {format!(" · {} billable calls · {} minutes", so_far.billable_calls, so_far.billed_minutes)}
            </p>
            <p class="muted small">"The month's statement is made when it ends, in your timezone; until then these figures grow with every call."</p>
        </section>
        <section class="card" aria-labelledby="history">
            <h2 id="history">"Statements"</h2>
            {if rows.is_empty() {
                view! { <Empty title="No statements yet" hint="Your first statement appears when your first month ends."/> }.into_any()
            } else {
                view! {
                    <div class="table-wrap table-flat">
                        <table class="table" id="statements-table">
                            <thead><tr>
                                <th scope="col">"Month"</th>
                                <th scope="col" class="num">"Billable calls"</th>
                                <th scope="col" class="num">"Minutes"</th>
                                <th scope="col" class="num">"Adjustments"</th>
                                <th scope="col" class="num">"Total"</th>
                                <th scope="col">"Invoice"</th>
                                <th scope="col"><span class="sr-only">"Download"</span></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|s| {
                                    let key = month_key(s.month);
                                    view! {
                                        <tr>
                                            <td><a href=format!("/statements/{key}")>{month_label(s.month)}</a></td>
                                            <td class="num">{s.billable_calls}</td>
                                            <td class="num">{s.billed_minutes}</td>
                                            <td class="num">{(s.adjustment_cents != 0).then(|| money(s.adjustment_cents))}</td>
                                            <td class="num"><strong>{money(s.total_cents)}</strong></td>
                                            <td>{invoice_label(s.invoice.as_deref())}</td>
                                            <td>
                                                <a href=format!("/statements/{key}/statement.pdf") download="">"PDF"</a>
                                                " · "
                                                <a href=format!("/statements/{key}/statement.csv") download="">"CSV"</a>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn StatementView(statement: Statement) -> impl IntoView {
    let s = statement.summary.clone();
    let clock = clock();
    let key = month_key(s.month);
    let kind_label = |k: &str| match k {
        "usage" => "Calls",
        "test" => "Test calls",
        _ => "Adjustment",
    };
    view! {
        <section class="card" aria-labelledby="statement-title">
            <div class="section-head">
                <h2 id="statement-title">{month_label(s.month)}</h2>
                <div class="button-row">
                    <a class="button button-primary" href=format!("/statements/{key}/statement.pdf") download="">"Download PDF"</a>
                    <a class="button" href=format!("/statements/{key}/statement.csv") download="">"Download CSV"</a>
                </div>
            </div>
            <p class="muted small">
                {format!("Times in {}. Closed {}. {}.", s.timezone, clock.when(s.closed_at), invoice_label(s.invoice.as_deref()))}
            </p>
            <div class="table-wrap table-flat">
                <table class="table" id="statement-lines">
                    <thead><tr>
                        <th scope="col">"Item"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col" class="num">"Calls"</th>
                        <th scope="col" class="num">"Minutes"</th>
                        <th scope="col" class="num">"Amount"</th>
                    </tr></thead>
                    <tbody>
                        {statement.lines.iter().map(|l| view! {
                            <tr>
                                <td>{kind_label(&l.kind)}</td>
                                <td>{l.description.clone()}</td>
                                <td class="num">{l.calls}</td>
                                <td class="num">{l.minutes}</td>
                                <td class="num">{if l.kind == "test" { "Free".to_string() } else { money(l.amount_cents) }}</td>
                            </tr>
                        }).collect_view()}
                        {statement.lines.is_empty().then(|| view! {
                            <tr><td colspan="5" class="muted">"No calls this month."</td></tr>
                        })}
                    </tbody>
                    <tfoot>
                        <tr><th scope="row" colspan="4">"Calls"</th><td class="num">{money(s.usage_cents)}</td></tr>
                        {(s.adjustment_cents != 0).then(|| view! {
                            <tr><th scope="row" colspan="4">"Adjustments"</th><td class="num">{money(s.adjustment_cents)}</td></tr>
                        })}
                        <tr><th scope="row" colspan="4">"Total"</th><td class="num"><strong id="statement-total">{money(s.total_cents)}</strong></td></tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}
