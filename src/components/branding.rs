//! The console's branding editor for one organization: display name and
//! colours with a live preview and contrast warnings, and logo and favicon
//! uploads (plain multipart forms, so they work before hydration).

use super::form::{last_error, outcome, Field, FormMessage, Submit};
use super::status::{ErrorNotice, Loading};
use crate::api::platform::{org_branding, RemoveBrandAsset, SaveBranding};
use crate::domain::{color_warnings, image_problem_message, parse_color, text_on, BrandingEditor};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

#[component]
pub fn BrandingCard(org_id: Uuid) -> impl IntoView {
    let save = ServerAction::<SaveBranding>::new();
    let remove = ServerAction::<RemoveBrandAsset>::new();
    let data = Resource::new(
        move || remove.version().get(),
        move |_| org_branding(org_id),
    );
    view! {
        <section class="card" id="branding">
            <h2>"Branding"</h2>
            <p class="muted">
                "How this organization's portal looks to its users: on the sign-in page and every page after it."
            </p>
            <UploadOutcome/>
            <Suspense fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(b) => view! { <Editor b save remove/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// What the last upload did (the upload form redirects back here).
#[component]
fn UploadOutcome() -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(code) = q.get("asset_error") {
            Some(
                view! { <p class="form-error" role="alert">{image_problem_message(&code)}</p> }
                    .into_any(),
            )
        } else {
            q.get("asset").map(|kind| {
                let what = if kind == "favicon" { "Favicon" } else { "Logo" };
                view! { <p class="form-success" role="status">{format!("{what} uploaded.")}</p> }
                    .into_any()
            })
        }
    }
}

#[component]
fn Editor(
    b: BrandingEditor,
    save: ServerAction<SaveBranding>,
    remove: ServerAction<RemoveBrandAsset>,
) -> impl IntoView {
    let error = last_error(save.value());
    let primary = RwSignal::new(b.branding.primary.clone());
    let secondary = RwSignal::new(b.branding.secondary.clone());
    let name = RwSignal::new(b.branding.display_name.clone());
    let org_name = b.org_name.clone();
    let placeholder = org_name.clone();
    let preview_style = move || {
        let p = parse_color(&primary.get()).unwrap_or((0x2f, 0x5b, 0xea));
        let s = parse_color(&secondary.get()).unwrap_or((0x0f, 0x76, 0x6e));
        format!(
            "--brand:{};--brand-contrast:{};--brand-2:{};--brand-2-contrast:{}",
            primary.get(),
            text_on(p),
            secondary.get(),
            text_on(s)
        )
    };
    let warnings = move || {
        let mut w = color_warnings(&primary.get());
        w.extend(
            color_warnings(&secondary.get())
                .into_iter()
                .map(|m| format!("Secondary colour: {m}")),
        );
        w.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()
    };
    let logo = b.branding.logo_url.clone();
    let preview_logo = logo.clone();
    let id = b.org_id;
    view! {
        <div class="branding-grid">
            <ActionForm action=save>
                <input type="hidden" name="id" value=id.to_string()/>
                <Field
                    name="brand_name"
                    label="Name shown in the portal"
                    value=b.brand_name.clone()
                    placeholder=placeholder
                    hint="Leave empty to use the organization's name."
                    error
                />
                <div class="grid-2">
                    <ColorField name="primary_color" label="Primary colour" signal=primary error/>
                    <ColorField name="secondary_color" label="Secondary colour" signal=secondary error/>
                </div>
                <ul class="contrast-warnings" aria-live="polite">{warnings}</ul>
                <FormMessage value=outcome(save.value()) success="Branding saved."/>
                <Submit label="Save branding" busy_label="Saving…" pending=save.pending().into()/>
            </ActionForm>
            <div class="brand-preview" style=preview_style aria-label="Preview">
                <div class="preview-bar">
                    {preview_logo.map(|src| view! { <img src=src alt=""/> })}
                    <strong>{move || {
                        let n = name.get();
                        if n.trim().is_empty() { org_name.clone() } else { n }
                    }}</strong>
                </div>
                <div class="preview-body">
                    <p>"Calls this week"</p>
                    <span class="preview-button">"Primary button"</span>
                    " "
                    <span class="preview-chip">"Secondary"</span>
                    <p><a href="#branding">"A link in the primary colour"</a></p>
                </div>
            </div>
        </div>
        <div class="grid-2 uploads">
            <AssetForm id kind="logo" label="Logo" current=logo remove/>
            <AssetForm id kind="favicon" label="Favicon" current=b.branding.favicon_url.clone() remove/>
        </div>
    }
}

#[component]
fn ColorField(
    name: &'static str,
    label: &'static str,
    signal: RwSignal<String>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let msg = Signal::derive(move || error.get().and_then(|e| e.field_message(name)));
    let id = format!("f-{name}");
    view! {
        <div class="field" class:field-invalid=move || msg.get().is_some()>
            <label for=id.clone()>{label}</label>
            <div class="color-input">
                <input
                    id=id
                    type="color"
                    name=name
                    value=signal.get_untracked()
                    on:input=move |ev| signal.set(event_target_value(&ev))
                />
                <span class="mono">{move || signal.get()}</span>
            </div>
            <p class="field-error" aria-live="polite">{move || msg.get()}</p>
        </div>
    }
}

#[component]
fn AssetForm(
    id: Uuid,
    kind: &'static str,
    label: &'static str,
    current: Option<String>,
    remove: ServerAction<RemoveBrandAsset>,
) -> impl IntoView {
    let input_id = format!("upload-{kind}");
    let has = current.is_some();
    view! {
        <div class="asset-form">
            <h3>{label}</h3>
            {match current {
                Some(src) => view! { <img class=format!("asset-preview asset-{kind}") src=src alt=format!("Current {kind}")/> }.into_any(),
                None => view! { <p class="muted">"None yet: the organization's name is shown instead."</p> }.into_any(),
            }}
            <form method="post" enctype="multipart/form-data" action=format!("/console/orgs/{id}/brand/{kind}")>
                <div class="field">
                    <label for=input_id.clone()>{format!("Upload a {}", label.to_lowercase())}</label>
                    <input id=input_id type="file" name="file" accept="image/png,image/jpeg,image/svg+xml" required/>
                    <p class="hint">"PNG, JPEG or SVG, at most 1 MB. SVGs with scripts or links are refused."</p>
                </div>
                <button type="submit" class="button">{format!("Upload {}", label.to_lowercase())}</button>
            </form>
            {has.then(|| view! {
                <ActionForm action=remove>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="kind" value=kind/>
                    <button type="submit" class="button button-quiet">{format!("Remove {}", label.to_lowercase())}</button>
                </ActionForm>
            })}
        </div>
    }
}
