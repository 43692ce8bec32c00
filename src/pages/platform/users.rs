use crate::api::platform::{
    list_users, timezone_names, CreateUser, SetMyTimezone, SetUserDisabled,
};
use crate::components::context::use_session;
use crate::components::form::outcome;
use crate::components::form::{last_error, Field, FormMessage, Submit};
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::status::{clock, date, Badge, ErrorNotice, Loading};
use crate::domain::{validate::MIN_PASSWORD_LEN, UserSummary};
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Users"/>
        <Frame>
            <Gate need=Need::SuperAdmin>
                <Users/>
            </Gate>
        </Frame>
    }
}

#[component]
fn Users() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let toggle = ServerAction::<SetUserDisabled>::new();
    let users = Resource::new(
        move || (create.version().get(), toggle.version().get()),
        |_| list_users(),
    );
    view! {
        <div class="page-head">
            <h1>"Users"</h1>
        </div>
        <FormMessage value=outcome(toggle.value())/>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No users yet."</p> }.into_any(),
                    Ok(list) => view! { <UsersTable list toggle/> }.into_any(),
                }
            })}
        </Suspense>
        <CreateUserForm create/>
        <TimezoneForm/>
    }
}

/// The zone this super admin reads the console's times in.
#[component]
fn TimezoneForm() -> impl IntoView {
    let save = ServerAction::<SetMyTimezone>::new();
    let session = use_session();
    let error = last_error(save.value());
    let names = OnceResource::new(timezone_names());
    // Times on every console page follow the new zone at once.
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            session.whoami.refetch();
        }
    });
    view! {
        <section class="card" id="timezone">
            <h2>"Your timezone"</h2>
            <p class="muted">"Times in the console are shown in this timezone. Organizations' pages use each organization's own."</p>
            <ActionForm action=save>
                <Field name="timezone" label="Timezone" value=clock().zone list="console-tz-list"
                    hint="An IANA name, e.g. America/New_York or Europe/Berlin." autocomplete="off" required=true error/>
                <datalist id="console-tz-list">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            names.await.unwrap_or_default().into_iter()
                                .map(|n| view! { <option value=n></option> }).collect_view()
                        })}
                    </Suspense>
                </datalist>
                <FormMessage value=outcome(save.value()) success="Timezone saved."/>
                <Submit label="Save timezone" busy_label="Saving…" pending=save.pending().into()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn UsersTable(list: Vec<UserSummary>, toggle: ServerAction<SetUserDisabled>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Organizations"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|u| {
                            let orgs = if u.memberships.is_empty() {
                                "—".to_string()
                            } else {
                                u.memberships
                                    .iter()
                                    .map(|m| format!("{} ({})", m.org_name, m.role.label().to_lowercase()))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            };
                            let (status, tone) = if u.disabled { ("Disabled", "warn") } else { ("Active", "good") };
                            let next = (!u.disabled).to_string();
                            let button = if u.disabled { "Enable" } else { "Disable" };
                            view! {
                                <tr>
                                    <td>
                                        {u.email}
                                        {u.is_super_admin.then(|| view! { " " <Badge text="Super admin" tone="neutral"/> })}
                                    </td>
                                    <td>{orgs}</td>
                                    <td><Badge text=status tone=tone/></td>
                                    <td>{date(u.created_at)}</td>
                                    <td class="actions">
                                        <ActionForm action=toggle>
                                            <input type="hidden" name="user_id" value=u.id.to_string()/>
                                            <input type="hidden" name="disabled" value=next/>
                                            <button type="submit" class="button button-small">{button}</button>
                                        </ActionForm>
                                    </td>
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
fn CreateUserForm(create: ServerAction<CreateUser>) -> impl IntoView {
    let error = last_error(create.value());
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(f)) = (create.value().get(), form.get()) {
            f.reset();
        }
    });
    view! {
        <section class="card">
            <h2>"New user"</h2>
            <p class="muted">"Add them to an organization from that organization's page."</p>
            <ActionForm action=create node_ref=form>
                <div class="grid-2">
                    <Field name="email" label="Email" kind="email" autocomplete="off" required=true error/>
                    <Field
                        name="password"
                        label="Password"
                        kind="password"
                        autocomplete="new-password"
                        hint=format!("At least {MIN_PASSWORD_LEN} characters. Share it privately.")
                        required=true
                        error
                    />
                </div>
                <div class="field field-check">
                    <input id="f-super_admin" type="checkbox" name="super_admin"/>
                    <label for="f-super_admin">"Super admin (full access to every organization)"</label>
                </div>
                <FormMessage value=outcome(create.value()) success="User created."/>
                <Submit label="Create user" busy_label="Creating…" pending=create.pending().into()/>
            </ActionForm>
        </section>
    }
}
