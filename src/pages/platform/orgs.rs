use crate::api::platform::{list_orgs, CreateOrg};
use crate::components::form::outcome;
use crate::components::form::{last_error, Field, FormMessage, Submit};
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::status::{date, Badge, ErrorNotice, Loading};
use crate::domain::{validate::slugify, OrgStatus, OrgSummary};
use crate::error::AppError;
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;

/// The console's home: every organization, and a form to add one.
#[component]
pub fn OrgsPage() -> impl IntoView {
    view! {
        <Title text="Organizations"/>
        <Frame>
            <Gate need=Need::SuperAdmin>
                <OrgsList/>
            </Gate>
        </Frame>
    }
}

#[component]
fn OrgsList() -> impl IntoView {
    let create = ServerAction::<CreateOrg>::new();
    let orgs = Resource::new(move || create.version().get(), |_| list_orgs());
    view! {
        <div class="page-head">
            <h1>"Console"</h1>
        </div>
        <crate::components::revenue::RevenueOverview/>
        <h2>"Organizations"</h2>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match orgs.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <section class="card empty">
                            <h2>"No organizations yet"</h2>
                            <p>"Create your first client organization with the form below."</p>
                        </section>
                    }
                    .into_any(),
                    Ok(list) => view! { <OrgsTable list/> }.into_any(),
                }
            })}
        </Suspense>
        <CreateOrgForm create orgs/>
    }
}

#[component]
fn OrgsTable(list: Vec<OrgSummary>) -> impl IntoView {
    view! {
        <div class="table-wrap" id="org-list">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Subdomain"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="num">"Members"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|o| {
                            let (label, tone) = match o.status {
                                OrgStatus::Active => ("Active", "good"),
                                OrgStatus::Suspended => ("Suspended", "warn"),
                            };
                            view! {
                                <tr>
                                    <td><a href=format!("/orgs/{}", o.id)>{o.name}</a></td>
                                    <td class="mono">{o.subdomain}</td>
                                    <td><Badge text=label tone=tone/></td>
                                    <td class="num">{o.members}</td>
                                    <td>{date(o.created_at)}</td>
                                    <td class="actions"><ViewAs org_id=o.id/></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn CreateOrgForm(
    create: ServerAction<CreateOrg>,
    orgs: Resource<Result<Vec<OrgSummary>, AppError>>,
) -> impl IntoView {
    let error = last_error(create.value());
    // Names may repeat (the slug tells them apart), but a repeat is usually a mistake.
    let name = RwSignal::new(String::new());
    let form = NodeRef::<html::Form>::new();
    // The slug follows the name until someone edits it by hand.
    let slug = RwSignal::new(String::new());
    let slug_edited = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            if let Some(f) = form.get() {
                f.reset();
            }
            slug.set(String::new());
            slug_edited.set(false);
        }
    });
    view! {
        <section class="card">
            <h2>"New organization"</h2>
            <ActionForm action=create node_ref=form>
                <div class="grid-2">
                    <div class="field" class:field-invalid=move || error.get().and_then(|e| e.field_message("name")).is_some()>
                        <label for="f-name">"Name"</label>
                        <input
                            id="f-name"
                            name="name"
                            required
                            placeholder="Acme Shuttle Co."
                            on:input=move |ev| {
                                let typed = event_target_value(&ev);
                                if !slug_edited.get_untracked() {
                                    slug.set(slugify(&typed));
                                }
                                name.set(typed);
                            }
                        />
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                let typed = name.get();
                                let typed = typed.trim();
                                let taken = !typed.is_empty()
                                    && orgs.await.is_ok_and(|list| {
                                        list.iter().any(|o| o.name.trim().eq_ignore_ascii_case(typed))
                                    });
                                taken.then(|| view! {
                                    <p class="field-warning" role="status">
                                        "An organization already has this name. You can still create it; its slug tells them apart."
                                    </p>
                                })
                            })}
                        </Suspense>
                        <p class="field-error">{move || error.get().and_then(|e| e.field_message("name"))}</p>
                    </div>
                    <div class="field" class:field-invalid=move || error.get().and_then(|e| e.field_message("slug")).is_some()>
                        <label for="f-slug">"Slug"</label>
                        <input
                            id="f-slug"
                            name="slug"
                            required
                            placeholder="acme"
                            prop:value=move || slug.get()
                            on:input=move |ev| {
                                slug_edited.set(true);
                                slug.set(event_target_value(&ev));
                            }
                        />
                        <p class="hint">"Lower-case letters, digits and hyphens."</p>
                        <p class="field-error">{move || error.get().and_then(|e| e.field_message("slug"))}</p>
                    </div>
                    <Field
                        name="subdomain"
                        label="Subdomain"
                        placeholder="Same as the slug"
                        hint="Where the client signs in. Leave empty to use the slug."
                        error
                    />
                    <Field
                        name="custom_domain"
                        label="Custom domain (optional)"
                        placeholder="portal.example.com"
                        error
                    />
                </div>
                <FormMessage value=outcome(create.value()) success="Organization created. Opening its page…"/>
                <Submit label="Create organization" busy_label="Creating…" pending=create.pending().into()/>
            </ActionForm>
        </section>
    }
}

/// "View as organization": its portal as its admin sees it, with a banner.
/// A plain form on purpose: the whole page must load again, as the
/// organization's site.
#[component]
pub fn ViewAs(org_id: uuid::Uuid) -> impl IntoView {
    view! {
        <form method="post" action="/api/platform/impersonate">
            <input type="hidden" name="org_id" value=org_id.to_string()/>
            <button type="submit" class="button button-small">"View as organization"</button>
        </form>
    }
}
