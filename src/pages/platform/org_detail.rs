use crate::api::platform::{
    get_org, AddMember, ChangeMemberRole, DeleteOrg, RemoveMember, SetOrgStatus, UpdateOrg,
};
use crate::components::form::outcome;
use crate::components::form::{last_error, Field, FormMessage, Submit};
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::status::{date, Badge, Empty, ErrorNotice, Loading};
use crate::domain::{validate::MIN_PASSWORD_LEN, Member, OrgDetail, OrgStatus, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// `/orgs/:id`: one organization: details, status, members, deletion.
#[component]
pub fn OrgDetailPage() -> impl IntoView {
    view! {
        <Frame>
            <Gate need=Need::SuperAdmin>
                <OrgDetailView/>
            </Gate>
        </Frame>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateOrg>,
    status: ServerAction<SetOrgStatus>,
    add: ServerAction<AddMember>,
    role: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
    delete: ServerAction<DeleteOrg>,
}

#[component]
fn OrgDetailView() -> impl IntoView {
    let params = use_params_map();
    let a = Actions {
        update: ServerAction::new(),
        status: ServerAction::new(),
        add: ServerAction::new(),
        role: ServerAction::new(),
        remove: ServerAction::new(),
        delete: ServerAction::new(),
    };
    let detail = Resource::new(
        move || {
            (
                params.read().get("id"),
                a.update.version().get(),
                a.status.version().get(),
                a.add.version().get(),
                a.role.version().get(),
                a.remove.version().get(),
            )
        },
        |(id, ..)| async move {
            let id = id
                .and_then(|s| Uuid::parse_str(&s).ok())
                .ok_or(crate::error::AppError::NotFound)?;
            get_org(id).await
        },
    );
    view! {
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => view! { <Detail d a/> }.into_any(),
                }
            })}
        </Suspense>
        {move || {
            params
                .read()
                .get("id")
                .and_then(|s| Uuid::parse_str(&s).ok())
                .map(|id| view! {
                    // Outside the details' Suspense: a panel with resources of
                    // its own hydrates only at the page's level.
                    <crate::components::invitations::Invitations org_id=Some(id)/>
                    <crate::components::revenue::RatesCard org_id=id/>
                    <crate::components::branding::BrandingCard org_id=id/>
                    <crate::components::agents::AgentsPanel org_id=Some(id)/>
                    <crate::components::numbers::NumbersPanel org_id=Some(id)/>
                    <crate::components::review::ReviewsPanel org_id=id/>
                })
        }}
        // The danger zone comes last, under the agents.
        <Suspense>
            {move || Suspend::new(async move {
                detail.await.ok().map(|d| {
                    let id = d.org.id.to_string();
                    view! { <DeleteCard slug=d.org.slug.clone() id a/> }
                })
            })}
        </Suspense>
    }
}

#[component]
fn Detail(d: OrgDetail, a: Actions) -> impl IntoView {
    let org = d.org.clone();
    let id = org.id.to_string();
    let (label, tone) = match org.status {
        OrgStatus::Active => ("Active", "good"),
        OrgStatus::Suspended => ("Suspended", "warn"),
    };
    view! {
        <Title text=org.name.clone()/>
        <p class="crumbs"><a href="/">"Organizations"</a> " / " {org.name.clone()}</p>
        <div class="page-head">
            <h1>{org.name.clone()} " " <Badge text=label tone=tone/></h1>
            <div class="actions">
                <a class="mono" href=d.url.clone() rel="noopener">{d.url.clone()}</a>
                <crate::pages::platform::orgs::ViewAs org_id=org.id/>
            </div>
        </div>
        <p class="muted small" id="stripe-customer">
            {match d.stripe_customer.clone() {
                Some(c) => format!("Invoiced in Stripe as customer {c}."),
                None => "Not invoiced in Stripe yet (the customer is made with the first invoice).".to_string(),
            }}
        </p>
        <EditForm d=d.clone() a/>
        <StatusCard status=org.status id=id.clone() a/>
        <Members org_id=id.clone() members=d.members.clone() a/>
    }
}

#[component]
fn EditForm(d: OrgDetail, a: Actions) -> impl IntoView {
    let error = last_error(a.update.value());
    let o = d.org;
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <ActionForm action=a.update>
                <input type="hidden" name="id" value=o.id.to_string()/>
                <div class="grid-2">
                    <Field name="name" label="Name" value=o.name required=true error/>
                    <Field name="slug" label="Slug" value=o.slug required=true error/>
                    <Field name="subdomain" label="Subdomain" value=o.subdomain required=true error/>
                    <Field
                        name="custom_domain"
                        label="Custom domain (optional)"
                        value=o.custom_domain.unwrap_or_default()
                        placeholder="portal.example.com"
                        error
                    />
                </div>
                <FormMessage value=outcome(a.update.value()) success="Saved."/>
                <Submit label="Save changes" busy_label="Saving…" pending=a.update.pending().into()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn StatusCard(status: OrgStatus, id: String, a: Actions) -> impl IntoView {
    let (next, text, button, class) = match status {
        OrgStatus::Active => (
            "suspended",
            "Suspending stops every member of this organization from signing in. Nothing is deleted.",
            "Suspend organization",
            "button button-danger",
        ),
        OrgStatus::Suspended => (
            "active",
            "This organization is suspended: its members cannot sign in.",
            "Reactivate organization",
            "button button-primary",
        ),
    };
    view! {
        <section class="card">
            <h2>"Access"</h2>
            <p class="muted">{text}</p>
            <ActionForm action=a.status>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="status" value=next/>
                {(status == OrgStatus::Active).then(|| view! {
                    <label class="checkbox">
                        <input type="checkbox" name="release_numbers" value="true"/>
                        " Also release its phone numbers from the voice platform (calls to them stop)"
                    </label>
                })}
                <FormMessage value=outcome(a.status.value())/>
                <button type="submit" class=class>{button}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Members(org_id: String, members: Vec<Member>, a: Actions) -> impl IntoView {
    let error = last_error(a.add.value());
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(f)) = (a.add.value().get(), form.get()) {
            f.reset();
        }
    });
    let empty = members.is_empty();
    let row_org = org_id.clone();
    let rows = members
        .into_iter()
        .map(|m| {
            let other = match m.role {
                Role::Admin => Role::Viewer,
                Role::Viewer => Role::Admin,
            };
            let uid = m.user_id.to_string();
            let (org1, org2, uid1, uid2) = (row_org.clone(), row_org.clone(), uid.clone(), uid);
            view! {
                <tr>
                    <td>{m.email}{m.disabled.then(|| view! { " " <Badge text="Disabled" tone="warn"/> })}</td>
                    <td>{m.role.label()}</td>
                    <td>{date(m.since)}</td>
                    <td class="actions">
                        <ActionForm action=a.role>
                            <input type="hidden" name="org_id" value=org1/>
                            <input type="hidden" name="user_id" value=uid1/>
                            <input type="hidden" name="role" value=other.as_str()/>
                            <button type="submit" class="button button-small">
                                {format!("Make {}", other.label().to_lowercase())}
                            </button>
                        </ActionForm>
                        <ActionForm action=a.remove>
                            <input type="hidden" name="org_id" value=org2/>
                            <input type="hidden" name="user_id" value=uid2/>
                            <button type="submit" class="button button-small button-danger">"Remove"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>"Members"</h2>
            <FormMessage value=outcome(a.role.value()) success="Role updated."/>
            <FormMessage value=outcome(a.remove.value()) success="Member removed."/>
            {if empty {
                view! {
                    <Empty title="No members yet" hint="Add the client's first admin below: they can then sign in at the organization's address."/>
                }.into_any()
            } else {
                view! {
                    <div class="table-wrap table-flat">
                        <table class="table" id="members">
                            <thead>
                                <tr>
                                    <th scope="col">"Email"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col">"Since"</th>
                                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <h3>"Add a member"</h3>
            <ActionForm action=a.add node_ref=form>
                <input type="hidden" name="org_id" value=org_id/>
                <div class="grid-2">
                    <Field
                        name="email"
                        label="Email"
                        kind="email"
                        autocomplete="off"
                        required=true
                        error
                    />
                    <Field
                        name="password"
                        label="Password (new accounts only)"
                        kind="password"
                        autocomplete="new-password"
                        hint=format!("For someone without an account yet: at least {MIN_PASSWORD_LEN} characters; share it privately. Leave empty for an existing account.")
                        error
                    />
                    <div class="field">
                        <label for="f-role">"Role"</label>
                        <select id="f-role" name="role">
                            <option value="admin">"Admin — manages settings and team"</option>
                            <option value="viewer" selected>"Viewer — read-only"</option>
                        </select>
                    </div>
                </div>
                <FormMessage value=outcome(a.add.value()) success="Member added."/>
                <Submit label="Add member" busy_label="Adding…" pending=a.add.pending().into()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeleteCard(slug: String, id: String, a: Actions) -> impl IntoView {
    let error = last_error(a.delete.value());
    view! {
        <section class="card card-danger">
            <h2>"Delete organization"</h2>
            <p class="muted">
                "Deletes the organization and its memberships for good. Its phone numbers are released "
                "from the voice platform first. The activity log keeps its history."
            </p>
            <ActionForm action=a.delete>
                <input type="hidden" name="id" value=id/>
                <Field
                    name="confirm_slug"
                    label=format!("Type {slug} to confirm")
                    autocomplete="off"
                    required=true
                    error
                />
                <label class="checkbox">
                    <input type="checkbox" name="delete_anyway" value="true"/>
                    " Delete even if some numbers cannot be released (they stay in the platform account)"
                </label>
                <FormMessage value=outcome(a.delete.value())/>
                <button type="submit" class="button button-danger" disabled=move || a.delete.pending().get()>
                    "Delete organization"
                </button>
            </ActionForm>
        </section>
    }
}
