//! `/reservations`: the data the voice agent's `check_reservation` tool
//! answers from. Members search and export; org admins import files (with a
//! preview), edit or cancel a reservation, and set when the data counts as
//! stale.

use crate::api::reservations::{
    reservations_overview, ReservationCancel, ReservationSave, ToolDataStaleHours,
};
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::reservations::edit::EditReservation;
use crate::components::reservations::import::{ImportPanel, UploadPanel};
use crate::components::reservations::tables::{Drivers, Reservations};
use crate::components::reservations::Freshness;
use crate::components::status::{ErrorNotice, Loading};
use crate::domain::tool_data::ReservationQuery;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReservationsPage() -> impl IntoView {
    view! {
        <Title text="Reservations"/>
        <Frame>
            <Gate need=Need::Member>
                <ReservationsView/>
            </Gate>
        </Frame>
    }
}

#[component]
fn ReservationsView() -> impl IntoView {
    let params = use_query_map();
    let stale = ServerAction::<ToolDataStaleHours>::new();
    let save = ServerAction::<ReservationSave>::new();
    let cancel = ServerAction::<ReservationCancel>::new();
    let overview = Resource::new(
        move || {
            (
                stale.version().get(),
                save.version().get(),
                cancel.version().get(),
            )
        },
        |_| reservations_overview(),
    );
    // The query string decides what the page shows; the router changes it
    // without loading the page again, so every part reads it as a signal.
    let get = move |k: &str| params.with(|q| q.get(k));
    let uuid = move |k: &str| get(k).and_then(|v| uuid::Uuid::parse_str(&v).ok());
    let query = Signal::derive(move || ReservationQuery::from_query(get));
    let drivers = Signal::derive(move || get("dq").unwrap_or_default());
    let drivers_page =
        Signal::derive(move || get("dpage").and_then(|p| p.parse().ok()).unwrap_or(0));
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || {
                let imported = get("imported");
                Suspend::new(async move {
                    let o = match overview.await {
                        Ok(o) => o,
                        Err(e) => return view! { <ErrorNotice error=e/> }.into_any(),
                    };
                    let can_edit = o.can_edit;
                    let done = imported.map(|kind| view! {
                        <p class="form-success" role="status">{format!("The {kind} were imported.")}</p>
                    });
                    view! {
                        <div class="page-head">
                            <h1>"Reservations"</h1>
                            <Freshness o=o.clone()/>
                        </div>
                        <p class="muted">
                            {format!("{} reservations, {} drivers. Times are in {}. The voice agent looks reservations up here when callers ask about their ride.", o.reservations, o.drivers, o.timezone)}
                        </p>
                        {done}
                        {can_edit.then(|| view! { <ImportPanel o=o.clone() stale/> })}
                    }
                    .into_any()
                })
            }}
        </Transition>
        // Outside the head's Transition: panels with resources of their own
        // hydrate only at the page's level. The edit and the preview are an
        // admin's (the server refuses anyone else).
        {move || uuid("edit").map(|id| view! { <EditReservation id save/> })}
        {move || uuid("upload").map(|id| view! { <UploadPanel id refused=get("refused").is_some()/> })}
        <Reservations query cancel save/>
        <Drivers text=drivers page=drivers_page/>
    }
}
