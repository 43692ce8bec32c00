//! `/billing` in the console: revenue per month from every organization's
//! statements, one month by organization, and closing a month now.

use crate::api::statements::{load_platform_billing, CloseStatement};
use crate::components::billing::{CloseMonth, RevenueByMonth};
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::status::{ErrorNotice, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BillingPage() -> impl IntoView {
    let close = ServerAction::<CloseStatement>::new();
    let query = use_query_map();
    let month = move || query.with(|q| q.get("month").unwrap_or_default());
    // At the page's level, outside the gate's suspense, so it hydrates.
    let data = Resource::new(
        move || (month(), close.version().get()),
        |(m, _)| load_platform_billing(m),
    );
    view! {
        <Frame>
            <Title text="Billing"/>
            <Gate need=Need::SuperAdmin>
                <div class="page-head">
                    <h1>"Billing"</h1>
                    <p class="muted">"What every organization was billed, month by month, from their closed statements."</p>
                </div>
                <Transition fallback=|| view! { <Loading/> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            Ok(b) => {
                                let orgs = b.organizations.clone();
                                view! {
                                    <RevenueByMonth b/>
                                    <CloseMonth organizations=orgs close/>
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </Gate>
        </Frame>
    }
}
