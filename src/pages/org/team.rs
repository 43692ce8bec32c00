use crate::api::org::{
    team_invitations, team_members, TeamChangeRole, TeamInvitationResend, TeamInvitationRevoke,
    TeamInvite, TeamRemove,
};
use crate::components::form::outcome;
use crate::components::form::FormMessage;
use crate::components::form::{last_error, Field};
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::status::{date, ErrorNotice, Loading};
use crate::components::status::{Badge, Empty};
use crate::domain::invitations::{InvitationLine, InvitationState};
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
                <Invitations/>
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

/// Inviting people by e-mail, and the invitations sent.
#[component]
fn Invitations() -> impl IntoView {
    let invite = ServerAction::<TeamInvite>::new();
    let resend = ServerAction::<TeamInvitationResend>::new();
    let revoke = ServerAction::<TeamInvitationRevoke>::new();
    let list = Resource::new(
        move || {
            (
                invite.version().get(),
                resend.version().get(),
                revoke.version().get(),
            )
        },
        |_| team_invitations(),
    );
    let error = last_error(invite.value());
    view! {
        <section class="card" id="invitations" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite someone"</h2>
            <p class="section-help">"They get an e-mail with a link to this portal. The link works once and expires after a week."</p>
            <ActionForm action=invite attr:class="inline-form" attr:id="invite-form">
                <Field name="email" label="Email" kind="email" autocomplete="off" required=true error/>
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" name="role">
                        <option value="viewer" selected=true>"Viewer — sees calls and settings"</option>
                        <option value="admin">"Admin — also changes settings and the team"</option>
                    </select>
                </div>
                <button type="submit" class="button button-primary">"Send invitation"</button>
                <FormMessage value=outcome(invite.value()) success="Invitation sent."/>
            </ActionForm>
            <FormMessage value=outcome(resend.value()) success="A new link was sent."/>
            <FormMessage value=outcome(revoke.value()) success="Invitation withdrawn."/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(l) if l.is_empty() => view! {
                            <Empty title="No invitations yet" hint="Invitations you send appear here until they are accepted."/>
                        }.into_any(),
                        Ok(l) => view! {
                            <div class="table-wrap">
                                <table class="table" id="invitations-table">
                                    <thead><tr>
                                        <th scope="col">"Email"</th>
                                        <th scope="col">"Role"</th>
                                        <th scope="col">"Invited"</th>
                                        <th scope="col">"State"</th>
                                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {l.into_iter().map(|i| view! { <InvitationRow i resend revoke/> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn InvitationRow(
    i: InvitationLine,
    resend: ServerAction<TeamInvitationResend>,
    revoke: ServerAction<TeamInvitationRevoke>,
) -> impl IntoView {
    let tone = match i.state {
        InvitationState::Pending => "info",
        InvitationState::Accepted => "good",
        InvitationState::Expired | InvitationState::Revoked => "muted",
    };
    let open = matches!(i.state, InvitationState::Pending | InvitationState::Expired);
    let id = i.id.to_string();
    let id2 = id.clone();
    view! {
        <tr>
            <td>{i.email.clone()}</td>
            <td>{i.role.label()}</td>
            <td>{format!("{} by {}", date(i.created_at), i.invited_by)}</td>
            <td><Badge text=i.state.label() tone/></td>
            <td class="actions">
                {open.then(|| view! {
                    <ActionForm action=resend>
                        <input type="hidden" name="id" value=id.clone()/>
                        <button type="submit" class="button button-small">"Send a new link"</button>
                    </ActionForm>
                })}
                {(i.state == InvitationState::Pending).then(|| view! {
                    <ActionForm action=revoke>
                        <input type="hidden" name="id" value=id2.clone()/>
                        <button type="submit" class="button button-small button-danger">"Withdraw"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
