//! `/statements` and `/statements/{month}`: the organization's monthly
//! statements (every member; the CSV beside each).

use crate::api::statements::{load_statement, load_statements};
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::statements::{StatementList, StatementView};
use crate::components::status::{ErrorNotice, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn StatementsPage() -> impl IntoView {
    // Made at the page's level, outside the gate's suspense, so it hydrates.
    let data = Resource::new(|| (), |_| load_statements());
    view! {
        <Frame>
            <Title text="Statements"/>
            <Gate need=Need::Member>
                <div class="page-head">
                    <h1>"Statements"</h1>
                    <p class="muted">"What each month came to. A closed month never changes: a call that changes later is put right on the next statement."</p>
                </div>
                <Transition fallback=|| view! { <Loading/> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            Ok(page) => view! { <StatementList page/> }.into_any(),
                        }
                    })}
                </Transition>
            </Gate>
        </Frame>
    }
}

#[component]
pub fn StatementPage() -> impl IntoView {
    let params = use_params_map();
    let month = move || params.with(|p| p.get("month").unwrap_or_default());
    let data = Resource::new(month, load_statement);
    view! {
        <Frame>
            <Title text="Statement"/>
            <Gate need=Need::Member>
                <div class="page-head">
                    <p><a href="/statements">"← All statements"</a></p>
                    <h1>"Statement"</h1>
                </div>
                <Transition fallback=|| view! { <Loading/> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(crate::error::AppError::NotFound) => {
                                crate::components::status::set_status(404);
                                view! {
                                    <section class="card empty">
                                        <h2>"No statement for this month"</h2>
                                        <p class="muted">"A month's statement appears when the month ends."</p>
                                    </section>
                                }.into_any()
                            }
                            Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            Ok(statement) => view! { <StatementView statement/> }.into_any(),
                        }
                    })}
                </Transition>
            </Gate>
        </Frame>
    }
}
