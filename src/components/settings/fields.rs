//! The form's pieces: a labelled row with its hint and error, a text
//! field, an hour picker and a message box with its default.

use crate::domain::{hour_label, MAX_MESSAGE_CHARS};
use crate::error::AppError;
use leptos::prelude::*;

/// The error text for one field of the last save, if any.
pub(super) fn message(
    error: Signal<Option<AppError>>,
    key: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.field_message(key)))
}

pub(super) fn input_name(key: &str) -> String {
    format!("form[{key}]")
}

pub(super) fn input_id(key: &str) -> String {
    format!("s-{key}")
}

/// A label, a control (the children, whose id is `s-<key>`), a hint and the
/// field's error from the last save.
#[component]
pub(super) fn Row(
    key: &'static str,
    label: &'static str,
    #[prop(default = None)] hint: Option<&'static str>,
    error: Signal<Option<AppError>>,
    children: Children,
) -> impl IntoView {
    let msg = message(error, key);
    view! {
        <div class="field" class:field-invalid=move || msg.get().is_some()>
            <label for=input_id(key)>{label}</label>
            {children()}
            {hint.map(|h| view! { <p class="hint" id=format!("s-{key}-hint")>{h}</p> })}
            <p class="field-error" id=format!("s-{key}-error") aria-live="polite">{move || msg.get()}</p>
        </div>
    }
    .into_any()
}

/// A one-line text input inside a [`Row`].
#[component]
pub(super) fn Text(
    key: &'static str,
    label: &'static str,
    value: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let invalid = message(error, key);
    view! {
        <Row key label hint error>
            <input
                id=input_id(key)
                name=input_name(key)
                type=kind
                value=value
                placeholder=placeholder
                autocomplete=autocomplete
                required=required
                aria-invalid=move || invalid.get().is_some().then_some("true")
                aria-describedby=format!("s-{key}-hint s-{key}-error")
            />
        </Row>
    }
    .into_any()
}

#[component]
pub(super) fn HourSelect(key: &'static str, initial: u8, signal: RwSignal<u8>) -> impl IntoView {
    view! {
        <select
            id=input_id(key)
            name=input_name(key)
            aria-describedby=format!("s-{key}-error")
            on:change=move |ev| {
                if let Ok(h) = event_target_value(&ev).parse::<u8>() {
                    signal.set(h);
                }
            }
        >
            {(0u8..24)
                .map(|h| view! { <option value=h.to_string() selected={h == initial}>{hour_label(h)}</option> })
                .collect_view()}
        </select>
    }
    .into_any()
}

#[component]
pub(super) fn Message(
    key: &'static str,
    label: &'static str,
    hint: &'static str,
    value: String,
    placeholder: &'static str,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <Row key label hint=Some(hint) error>
            <textarea
                id=input_id(key)
                name=input_name(key)
                rows="3"
                maxlength=MAX_MESSAGE_CHARS.to_string()
                placeholder=placeholder
                aria-describedby=format!("s-{key}-hint s-{key}-error")
            >
                {value}
            </textarea>
        </Row>
    }
    .into_any()
}
