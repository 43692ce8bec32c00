//! `/calls/:id`: one call in full — when, who, how long, what it cost, what
//! was said, the recording, and why it ended. Admins can ask the agency to
//! review whether it is billed; the agency (viewing as the organization)
//! marks it billable or test.

use crate::api::agents::SetCallBillable;
use crate::api::dashboard::load_call;
use crate::components::gate::{Gate, Need};
use crate::components::layout::Frame;
use crate::components::status::{Badge, Empty, ErrorNotice, Loading};
use crate::domain::dashboard::{duration, money, status_label};
use crate::domain::CallDetail;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

#[component]
pub fn CallPage() -> impl IntoView {
    view! {
        <Frame>
            <Title text="Call"/>
            <Gate need=Need::Member>
                <CallView/>
            </Gate>
        </Frame>
    }
}

#[component]
fn CallView() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|s| Uuid::parse_str(&s).ok())
    };
    let billable = ServerAction::<SetCallBillable>::new();
    let call = Resource::new(
        move || (id(), billable.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => load_call(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <p class="crumbs"><a href="/">"Dashboard"</a>" / Call"</p>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match call.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(c) => view! { <Detail c billable/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "Not analysed",
    }
}

#[component]
fn Detail(c: CallDetail, billable: ServerAction<SetCallBillable>) -> impl IntoView {
    let l = c.line.clone();
    let id = l.id.to_string();
    let (label, tone) = if l.is_billable {
        ("Billable", "good")
    } else {
        ("Test", "muted")
    };
    let facts: Vec<(&str, String)> = vec![
        ("Agent", l.agent.clone().unwrap_or_else(|| "—".into())),
        ("Direction", l.direction.label().into()),
        ("From", c.from_number.clone().unwrap_or_else(|| "—".into())),
        ("To", c.to_number.clone().unwrap_or_else(|| "—".into())),
        (
            "Started",
            c.started
                .clone()
                .unwrap_or_else(|| "Never connected".into()),
        ),
        ("Ended", c.ended.clone().unwrap_or_else(|| "—".into())),
        (
            "Duration",
            l.duration_ms.map(duration).unwrap_or_else(|| "—".into()),
        ),
        ("Billed minutes", l.billed_minutes.to_string()),
        ("Cost", money(l.charge_cents)),
        (
            "Status",
            l.status.as_deref().map(status_label).unwrap_or("—").into(),
        ),
        (
            "Ended because",
            c.ended_because.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            "Sentiment",
            l.sentiment.clone().unwrap_or_else(|| "Not analysed".into()),
        ),
        ("Successful", yes_no(c.successful).into()),
        ("Reached voicemail", yes_no(c.in_voicemail).into()),
    ];
    let turns = c.turns.clone();
    let recording = format!("/calls/{id}/recording");
    let form_id = id.clone();
    let (can_override, is_billable, overridden) =
        (c.can_override, l.is_billable, c.billable_overridden);
    let can_request = c.can_edit && !c.can_override;
    let call_id = l.id;
    view! {
        <section class="page-head">
            <div>
                <h1>{format!("{} call · {}", l.direction.label(), l.when)}</h1>
                <p class="muted">{l.party.clone().unwrap_or_default()}" "<Badge text=label tone=tone/></p>
            </div>
            {can_request.then(|| view! {
                <div class="actions"><crate::components::review::RequestReview call_id/></div>
            })}
            {can_override.then(move || {
                let undo_id = form_id.clone();
                let next = if is_billable { "false" } else { "true" };
                view! {
                    <div class="actions">
                        <ActionForm action=billable>
                            <input type="hidden" name="call_id" value=form_id/>
                            <input type="hidden" name="billable" value=next/>
                            <button type="submit" class="button">
                                {if is_billable { "Mark as test" } else { "Mark billable" }}
                            </button>
                        </ActionForm>
                        {overridden.then(move || view! {
                            <ActionForm action=billable>
                                <input type="hidden" name="call_id" value=undo_id/>
                                <input type="hidden" name="billable" value="default"/>
                                <button type="submit" class="button button-quiet">"Undo override"</button>
                            </ActionForm>
                        })}
                    </div>
                }
            })}
        </section>
        <div class="detail-grid">
            <section class="card">
                <h2>"Details"</h2>
                <dl class="facts">
                    {facts
                        .into_iter()
                        .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
                        .collect_view()}
                </dl>
            </section>
            <div>
                <section class="card">
                    <h2>"Summary"</h2>
                    <p>{c.summary.clone().unwrap_or_else(|| "No summary yet. It appears a minute or so after the call ends.".into())}</p>
                </section>
                <section class="card">
                    <h2>"Recording"</h2>
                    {if c.has_recording {
                        // The browser says when the file cannot be had (storage
                        // down, the link expired or refused); the player alone
                        // would just sit at 0:00.
                        let broken = RwSignal::new(false);
                        view! {
                            <audio controls preload="none" src=recording.clone() class="player"
                                class:hidden=move || broken.get()
                                on:error=move |_| broken.set(true)>
                                <a href=recording.clone()>"Download the recording"</a>
                            </audio>
                            {move || broken.get().then(|| view! {
                                <p class="notice notice-info" role="status">
                                    "Recording unavailable: it could not be loaded from storage just now. "
                                    "Please try again later."
                                </p>
                            })}
                        }.into_any()
                    } else {
                        view! { <p class="muted">"No recording for this call."</p> }.into_any()
                    }}
                </section>
            </div>
        </div>
        <section class="card" aria-labelledby="transcript">
            <h2 id="transcript">"Transcript"</h2>
            {if turns.is_empty() {
                view! { <Empty title="No transcript" hint="Calls that never connected have no conversation."/> }.into_any()
            } else {
                view! {
                    <ol class="conversation">
                        {turns
                            .into_iter()
                            .map(|t| {
                                let (who, class) = if t.agent { ("Agent", "turn turn-agent") } else { ("Caller", "turn turn-caller") };
                                view! { <li class=class><span class="speaker">{who}</span><p>{t.text}</p></li> }
                            })
                            .collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}
