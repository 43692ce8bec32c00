//! The agency's shared voice-platform key, on the console's System page:
//! every organization without a key of its own uses it. Stored sealed; only
//! its last four characters come back.

use super::form::{last_error, outcome, Field, FormMessage, Submit};
use super::status::{ErrorNotice, Loading};
use crate::api::numbers::{shared_key, SaveSharedKey};
use leptos::prelude::*;

#[component]
pub fn SharedKeyCard() -> impl IntoView {
    let save = ServerAction::<SaveSharedKey>::new();
    let current = Resource::new(move || save.version().get(), |_| shared_key());
    let error = last_error(save.value());
    view! {
        <section class="card" id="shared-key" aria-labelledby="shared-key-title">
            <h2 id="shared-key-title">"Agency voice platform key"</h2>
            <p class="muted">
                "Used by every organization that has no key of its own: to connect its numbers, "
                "check its agents and verify the calls it receives."
            </p>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(Some(last4)) => view! { <p class="key-status">{format!("Set · ends in …{last4}")}</p> }.into_any(),
                        Ok(None) => view! { <p class="key-status muted">"No shared key is stored."</p> }.into_any(),
                    }
                })}
            </Transition>
            <ActionForm action=save attr:class="inline-form">
                <Field name="api_key" id="shared-api-key" label="Shared API key" kind="password"
                    autocomplete="off" required=true error/>
                <FormMessage value=outcome(save.value()) success="Shared key saved."/>
                <Submit label="Save shared key" busy_label="Saving…" pending=save.pending().into()/>
            </ActionForm>
        </section>
    }
}
