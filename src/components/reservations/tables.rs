//! The reservations and drivers, searched and paged by the page's query
//! string (plain GET forms and links).

use crate::api::reservations::{
    drivers_list, reservations_list, ReservationCancel, ReservationSave,
};
use crate::components::form::{outcome, FormMessage};
use crate::components::status::{Badge, Empty, ErrorNotice, Loading};
use crate::domain::tool_data::{
    urlencode, DriversPage, ReservationLine, ReservationQuery, ReservationsPage, PER_PAGE,
};
use leptos::prelude::*;
use leptos_router::components::Form;

#[component]
pub fn Reservations(
    query: Signal<ReservationQuery>,
    cancel: ServerAction<ReservationCancel>,
    save: ServerAction<ReservationSave>,
) -> impl IntoView {
    let list = Resource::new(
        move || (query.get(), cancel.version().get(), save.version().get()),
        |(q, _, _)| reservations_list(q),
    );
    let export = move || format!("/reservations/export.csv?{}", query.get().to_query(0));
    let date = move || query.get().date.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <section id="reservations" aria-labelledby="reservations-title">
            <div class="page-head">
                <h2 id="reservations-title">"Reservations"</h2>
                <a class="button button-small" href=export download="">"Export CSV"</a>
            </div>
            <Form method="GET" action="/reservations">
                <div class="filters">
                    <div class="field">
                        <label for="r-q">"Confirmation number, phone or name"</label>
                        <input id="r-q" name="q" prop:value=move || query.get().q placeholder="e.g. DS-4411"/>
                    </div>
                    <div class="field">
                        <label for="r-date">"Pickup date"</label>
                        <input id="r-date" name="date" type="date" prop:value=date/>
                    </div>
                    <div class="filter-actions">
                        <button type="submit" class="button button-primary">"Search"</button>
                        <a class="button button-quiet" href="/reservations#reservations">"Clear"</a>
                    </div>
                </div>
            </Form>
            <FormMessage value=outcome(cancel.value()) success="Reservation cancelled."/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    let shown = query.get_untracked();
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(p) if p.total == 0 => {
                            let (title, hint) = if shown == ReservationQuery::default() {
                                ("No reservations yet", "Import a reservations file above; the voice agent answers callers from it.")
                            } else {
                                ("No reservation matches", "Try part of a name, the whole phone number, or another date.")
                            };
                            view! { <Empty title hint/> }.into_any()
                        }
                        Ok(p) => view! { <ReservationRows p query=shown cancel/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ReservationRows(
    p: ReservationsPage,
    query: ReservationQuery,
    cancel: ServerAction<ReservationCancel>,
) -> impl IntoView {
    let can_edit = p.can_edit;
    let pager = pager(p.total, p.page, |page| {
        format!("/reservations?{}#reservations", query.to_query(page))
    });
    view! {
        <div class="table-wrap">
            <table class="table" id="reservations-table">
                <thead><tr>
                    <th scope="col">"Confirmation"</th>
                    <th scope="col">"Pickup"</th>
                    <th scope="col">"Passenger"</th>
                    <th scope="col">"From → to"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Driver"</th>
                    {can_edit.then(|| view! { <th scope="col"><span class="sr-only">"Actions"</span></th> })}
                </tr></thead>
                <tbody>
                    {p.lines.into_iter().map(|r| view! { <ReservationRow r can_edit cancel/> }).collect_view()}
                </tbody>
            </table>
        </div>
        {pager}
    }
}

#[component]
fn ReservationRow(
    r: ReservationLine,
    can_edit: bool,
    cancel: ServerAction<ReservationCancel>,
) -> impl IntoView {
    let cancelled = r.status.eq_ignore_ascii_case("cancelled");
    let tone = if cancelled { "muted" } else { "neutral" };
    let id = r.id.to_string();
    let actions = can_edit.then(|| {
        view! {
            <td class="actions">
                <a class="button button-small" href=format!("/reservations?edit={id}#edit")>"Edit"</a>
                {(!cancelled).then(|| view! {
                    <ActionForm action=cancel>
                        <input type="hidden" name="id" value=id.clone()/>
                        <button type="submit" class="button button-small button-danger">"Cancel"</button>
                    </ActionForm>
                })}
            </td>
        }
    });
    view! {
        <tr>
            <td class="mono">{r.confirmation_number}</td>
            <td class="nowrap">{r.pickup_local}</td>
            <td>
                {r.passenger_name.unwrap_or_default()}
                <br/><span class="small muted mono">{r.passenger_phone.unwrap_or_default()}</span>
            </td>
            <td class="small">
                {r.pickup_address.unwrap_or_default()}
                {r.dropoff_address.map(|d| format!(" → {d}"))}
            </td>
            <td><Badge text=r.status tone/></td>
            <td>{r.driver_name.unwrap_or_default()}</td>
            {actions}
        </tr>
    }
}

/// "Rows 51–100 of 1,204", with previous and next links.
fn pager(total: i64, page: u32, link: impl Fn(u32) -> String) -> impl IntoView {
    let per = i64::from(PER_PAGE);
    let first = i64::from(page) * per;
    let shown = format!(
        "Rows {}–{} of {total}",
        (first + 1).min(total),
        (first + per).min(total)
    );
    let prev = (page > 0).then(|| {
        view! { <a class="button button-small" rel="prev" href=link(page - 1)>"← Previous"</a> }
    });
    let next = (first + per < total).then(|| {
        view! { <a class="button button-small" rel="next" href=link(page + 1)>"Next →"</a> }
    });
    view! {
        <nav class="pager" aria-label="Pages">
            {prev}
            <span class="muted small">{shown}</span>
            {next}
        </nav>
    }
}

#[component]
pub fn Drivers(text: Signal<String>, page: Signal<u32>) -> impl IntoView {
    let list = Resource::new(
        move || (text.get(), page.get()),
        |(t, p)| drivers_list(t, p),
    );
    view! {
        <section id="drivers" aria-labelledby="drivers-title">
            <div class="page-head">
                <h2 id="drivers-title">"Drivers"</h2>
                <a class="button button-small" href="/reservations/drivers.csv" download="">"Export CSV"</a>
            </div>
            <Form method="GET" action="/reservations">
                <div class="filters">
                    <div class="field">
                        <label for="d-q">"Name or phone"</label>
                        <input id="d-q" name="dq" prop:value=move || text.get()/>
                    </div>
                    <div class="filter-actions">
                        <button type="submit" class="button">"Search drivers"</button>
                    </div>
                </div>
            </Form>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    let shown = text.get_untracked();
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(p) if p.total == 0 => view! {
                            <Empty title="No drivers" hint="Import a drivers file to let the agent give a driver's number during business hours."/>
                        }.into_any(),
                        Ok(p) => view! { <DriverRows p text=shown/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DriverRows(p: DriversPage, text: String) -> impl IntoView {
    let pager = pager(p.total, p.page, move |page| {
        format!("/reservations?dq={}&dpage={page}#drivers", urlencode(&text))
    });
    view! {
        <div class="table-wrap">
            <table class="table" id="drivers-table">
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Phone"</th>
                    <th scope="col">"Active"</th>
                </tr></thead>
                <tbody>
                    {p.lines.into_iter().map(|d| view! {
                        <tr>
                            <td>{d.name}</td>
                            <td class="mono">{d.phone.unwrap_or_default()}</td>
                            <td>{if d.active { "Yes" } else { "No" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {pager}
    }
}
