use crate::api::org::{team_members, TeamChangeRole, TeamRemove};
use crate::components::form::outcome;
use crate::components::form::FormMessage;
use crate::components::gate::{Gate, Need};
use crate::components::invitations::Invitations;
use crate::components::layout::Frame;
use crate::components::status::{date, ErrorNotice, Loading};
use crate::domain::{Member, Role};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/team`: the organization's members (admins only).
#[component]
pub fn TeamPage() -> impl IntoView {
    view! {
        <Title text="Team"/>
        <Frame>
            <Gate need=Need::OrgAdmin>
                <TeamTable/>
                <Invitations org_id=None/>
            </Gate>
        </Frame>
    }
}

#[component]
fn TeamTable() -> impl IntoView {
    let change = ServerAction::<TeamChangeRole>::new();
    let remove = ServerAction::<TeamRemove>::new();
    let members = Resource::new(
        move || (change.version().get(), remove.version().get()),
        |_| team_members(),
    );
    view! {
        <h1>"Team"</h1>
        <FormMessage value=outcome(change.value()) success="Role updated."/>
        <FormMessage value=outcome(remove.value()) success="Member removed."/>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match members.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No members yet."</p>
                    }
                    .into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                        <table class="table" id="team">
                            <thead>
                                <tr>
                                    <th scope="col">"Email"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col">"Member since"</th>
                                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|m| view! { <TeamRow m change remove/> }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TeamRow(
    m: Member,
    change: ServerAction<TeamChangeRole>,
    remove: ServerAction<TeamRemove>,
) -> impl IntoView {
    let other = match m.role {
        Role::Admin => Role::Viewer,
        Role::Viewer => Role::Admin,
    };
    let id = m.user_id.to_string();
    let id2 = id.clone();
    view! {
        <tr>
            <td>{m.email.clone()}</td>
            <td>{m.role.label()}</td>
            <td>{date(m.since)}</td>
            <td class="actions">
                <ActionForm action=change>
                    <input type="hidden" name="user_id" value=id/>
                    <input type="hidden" name="role" value=other.as_str()/>
                    <button type="submit" class="button button-small">
                        {format!("Make {}", other.label().to_lowercase())}
                    </button>
                </ActionForm>
                <ActionForm action=remove>
                    <input type="hidden" name="user_id" value=id2/>
                    <button type="submit" class="button button-small button-danger">"Remove"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
