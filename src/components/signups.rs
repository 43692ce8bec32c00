//! The console's sign-up page: open or close self-serve sign-up, the rates
//! new organizations start on, and the newest sign-ups with their state
//! (suspend or reactivate from here).

use crate::api::platform::SetOrgStatus;
use crate::api::signup::SaveSignupSettings;
use crate::components::form::{last_error, outcome, Field, FormMessage, Submit};
use crate::components::status::{clock, Badge, Empty, ErrorNotice, Loading};
use crate::domain::signup::{SignupRow, SignupSettings, SignupState};
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn SignupSettingsPanel(
    data: Resource<Result<SignupSettings, AppError>>,
    save: ServerAction<SaveSignupSettings>,
) -> impl IntoView {
    let error = last_error(save.value());
    view! {
        <section class="card" aria-labelledby="signup-settings">
            <h2 id="signup-settings">"Self-serve sign-up"</h2>
            <p class="section-help">"When open, companies can create their own portal at /signup on this address, confirm their e-mail and set themselves up."</p>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(s) => view! {
                            <ActionForm action=save attr:id="signup-settings-form">
                                <div class="field field-check">
                                    <input id="f-signup-open" type="checkbox" name="open" checked=s.open/>
                                    <label for="f-signup-open">"Open sign-up"</label>
                                </div>
                                <div class="grid-2">
                                    <Field name="billing" id="f-signup-billing" label="New organizations pay ($ per minute)" value=s.billing.clone() required=true error/>
                                    <Field name="cogs" id="f-signup-cogs" label="A minute costs us ($)" value=s.cogs.clone() required=true error/>
                                </div>
                                <FormMessage value=outcome(save.value()) success="Saved."/>
                                <Submit label="Save" busy_label="Saving…" pending=save.pending().into()/>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

fn tone(state: SignupState) -> &'static str {
    match state {
        SignupState::Active => "good",
        SignupState::Waiting => "warn",
        SignupState::Suspended | SignupState::Deleted => "bad",
        SignupState::Expired => "muted",
    }
}

#[component]
pub fn SignupList(
    data: Resource<Result<Vec<SignupRow>, AppError>>,
    status: ServerAction<SetOrgStatus>,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="signup-list">
            <h2 id="signup-list">"Newest sign-ups"</h2>
            <FormMessage value=outcome(status.value())/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! {
                            <Empty title="No sign-ups yet" hint="Companies that sign up themselves appear here."/>
                        }.into_any(),
                        Ok(rows) => {
                            let clock = clock();
                            view! {
                                <div class="table-wrap table-flat">
                                    <table class="table">
                                        <thead><tr>
                                            <th scope="col">"Company"</th>
                                            <th scope="col">"Address"</th>
                                            <th scope="col">"Person"</th>
                                            <th scope="col">"Signed up"</th>
                                            <th scope="col">"State"</th>
                                            <th scope="col">"Set-up"</th>
                                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                                        </tr></thead>
                                        <tbody>
                                            {rows.into_iter().map(|r| view! { <Row r clock=clock.clone() status/> }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Row(
    r: SignupRow,
    clock: crate::domain::Clock,
    status: ServerAction<SetOrgStatus>,
) -> impl IntoView {
    let company = match r.org_id {
        Some(id) => view! { <a href=format!("/orgs/{id}")>{r.company_name.clone()}</a> }.into_any(),
        None => view! { <span>{r.company_name.clone()}</span> }.into_any(),
    };
    let action = match (r.org_id, r.state) {
        (Some(id), SignupState::Active | SignupState::Suspended) => {
            let (to, label) = if r.state == SignupState::Active {
                ("suspended", "Suspend")
            } else {
                ("active", "Reactivate")
            };
            Some(view! {
                <ActionForm action=status attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="status" value=to/>
                    <button type="submit" class="button button-small" aria-label=format!("{label} {}", r.company_name)>{label}</button>
                </ActionForm>
            })
        }
        _ => None,
    };
    view! {
        <tr data-subdomain=r.subdomain.clone()>
            <td>{company}</td>
            <td>{r.subdomain.clone()}</td>
            <td>{r.person_name.clone()}<div class="small muted">{r.email.clone()}</div></td>
            <td>{clock.when(r.created_at)}</td>
            <td><Badge text=r.state.label() tone=tone(r.state)/></td>
            <td>{if r.setup_done { "Done" } else if r.org_id.is_some() { "In progress" } else { "—" }}</td>
            <td>{action}</td>
        </tr>
    }
}
