//! Form pieces. Errors from the server appear next to the field they concern;
//! the inputs are never reset on error, so nothing typed is lost.

use crate::error::AppError;
use leptos::prelude::*;

pub type ActionResult<T> = Option<Result<T, AppError>>;

/// The outcome of an action's last submission, as a plain signal.
pub fn outcome<T, S>(value: S) -> Signal<ActionResult<T>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = ActionResult<T>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get())
}

/// The error of the last submission, if it failed.
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = ActionResult<T>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// A labelled input with its hint and its error.
#[component]
pub fn Field(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(into, default = "text".to_string())] kind: String,
    #[prop(into, optional)] value: Option<String>,
    #[prop(into, optional)] placeholder: Option<String>,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(into, optional)] autocomplete: Option<String>,
    /// The id of a `<datalist>` of suggestions.
    #[prop(into, optional)]
    list: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(into)] error: Signal<Option<AppError>>,
    /// The element id; `f-<name>` unless two forms on one page share a field name.
    #[prop(into, optional)]
    id: Option<String>,
    /// The field the server names in its errors, when the input's name
    /// differs (`form[number]` is `number`).
    #[prop(into, optional)]
    field: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("f-{name}"));
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let field = field.unwrap_or_else(|| name.clone());
    let message = Signal::derive(move || error.get().and_then(|e| e.field_message(&field)));
    view! {
        <div class="field" class:field-invalid=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                placeholder=placeholder
                autocomplete=autocomplete
                list=list
                required=required
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=format!("{hint_id} {err_id}")
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <p class="field-error" id=err_id aria-live="polite">
                {move || message.get()}
            </p>
        </div>
    }
}

/// The form-level message: the error, or a confirmation after success.
#[component]
pub fn FormMessage<T: Clone + Send + Sync + 'static>(
    value: Signal<ActionResult<T>>,
    #[prop(into, optional)] success: Option<String>,
) -> impl IntoView {
    move || match value.get() {
        Some(Err(e)) => {
            Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any())
        }
        Some(Ok(_)) => success
            .clone()
            .map(|s| view! { <p class="form-success" role="status">{s}</p> }.into_any()),
        None => None,
    }
}

#[component]
pub fn Submit(
    #[prop(into)] label: String,
    #[prop(into)] busy_label: String,
    pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <button type="submit" class="button button-primary" disabled=move || pending.get()>
            {move || if pending.get() { busy_label.clone() } else { label.clone() }}
        </button>
    }
}
