//! Inviting people to an organization by e-mail, and the invitations sent:
//! on the Team page (its admins) and on the organization's console page
//! (super admins), through the same server functions.

use crate::api::org::{team_invitations, TeamInvitationResend, TeamInvitationRevoke, TeamInvite};
use crate::components::form::{last_error, outcome, Field, FormMessage};
use crate::components::status::{date, Badge, Empty, ErrorNotice, Loading};
use crate::domain::invitations::{InvitationLine, InvitationState};
use leptos::prelude::*;
use uuid::Uuid;

/// The organization a console form acts on (nothing on its own address).
#[component]
fn OrgField(org_id: Option<Uuid>) -> impl IntoView {
    org_id.map(|id| view! { <input type="hidden" name="org_id" value=id.to_string()/> })
}

/// Inviting people by e-mail, and the invitations sent.
#[component]
pub fn Invitations(
    /// The organization, in the console; `None` on its own address.
    org_id: Option<Uuid>,
) -> impl IntoView {
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
        move |_| team_invitations(org_id),
    );
    let error = last_error(invite.value());
    view! {
        <section class="card" id="invitations" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite someone"</h2>
            <p class="section-help">"They get an e-mail with a link to this portal. The link works once and expires after a week."</p>
            <ActionForm action=invite attr:class="inline-form" attr:id="invite-form">
                <OrgField org_id/>
                <Field name="email" id="invite-email" label="Email to invite" kind="email" autocomplete="off" required=true error/>
                <div class="field">
                    <label for="invite-role">"Access"</label>
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
                                        {l.into_iter().map(|i| view! { <InvitationRow i org_id resend revoke/> }).collect_view()}
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
    org_id: Option<Uuid>,
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
                        <OrgField org_id/>
                        <input type="hidden" name="id" value=id.clone()/>
                        <button type="submit" class="button button-small">"Send a new link"</button>
                    </ActionForm>
                })}
                {(i.state == InvitationState::Pending).then(|| view! {
                    <ActionForm action=revoke>
                        <OrgField org_id/>
                        <input type="hidden" name="id" value=id2.clone()/>
                        <button type="submit" class="button button-small button-danger">"Withdraw"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
