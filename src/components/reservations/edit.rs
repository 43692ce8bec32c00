//! Editing one reservation (org admins): every field but the confirmation
//! number, checked field by field; what was typed stays on error.

use crate::api::reservations::{reservation_get, ReservationSave};
use crate::components::form::{last_error, outcome, Field, FormMessage};
use crate::components::status::{ErrorNotice, Loading};
use crate::domain::tool_data::ReservationLine;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn EditReservation(id: Uuid, save: ServerAction<ReservationSave>) -> impl IntoView {
    let found = Resource::new(move || id, reservation_get);
    view! {
        <section class="card" id="edit" aria-labelledby="edit-title">
            <Suspense fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(r) => view! { <EditForm r save/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn EditForm(r: ReservationLine, save: ServerAction<ReservationSave>) -> impl IntoView {
    let error = last_error(save.value());
    let text = |v: Option<String>| v.unwrap_or_default();
    view! {
        <h2 id="edit-title">{format!("Reservation {}", r.confirmation_number)}</h2>
        <ActionForm action=save attr:id="edit-reservation">
            <input type="hidden" name="id" value=r.id.to_string()/>
            <div class="grid-2">
                <Field name="form[passenger_name]" field="passenger_name" id="e-name" label="Passenger" value=text(r.passenger_name) error/>
                <Field name="form[passenger_phone]" field="passenger_phone" id="e-phone" label="Passenger phone" kind="tel" value=text(r.passenger_phone) error hint="With the country code, e.g. +1 555 555 0101."/>
                <Field name="form[pickup_at]" field="pickup_at" id="e-pickup" label="Pickup (local time)" kind="datetime-local" value=r.pickup_local.replace(' ', "T") error required=true/>
                <Field name="form[status]" field="status" id="e-status" label="Status" value=r.status.clone() error required=true hint="What the agent tells the caller, e.g. confirmed, on the way."/>
                <Field name="form[pickup_address]" field="pickup_address" id="e-from" label="Pickup address" value=text(r.pickup_address) error/>
                <Field name="form[dropoff_address]" field="dropoff_address" id="e-to" label="Drop-off address" value=text(r.dropoff_address) error/>
                <Field name="form[driver_name]" field="driver_name" id="e-driver" label="Driver" value=text(r.driver_name) error hint="A name from the drivers list."/>
            </div>
            <FormMessage value=outcome(save.value()) success="Reservation saved."/>
            <button type="submit" class="button button-primary">"Save"</button>
            " "
            <a class="button button-quiet" href="/reservations#reservations">"Close"</a>
        </ActionForm>
    }
}
