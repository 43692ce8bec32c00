use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" aria-live="polite">"Loading…"</p> }
}

/// An error for a person: the message only, never internals.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    set_status(error.status());
    view! {
        <div class="notice notice-error" role="alert">
            <p>{error.to_string()}</p>
        </div>
    }
}

/// Sets the HTTP status of a server-rendered page (no-op in the browser).
pub fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(_code) {
            res.set_status(code);
        }
    }
}

/// What a list shows when it has nothing yet: what is missing, and how to
/// get it.
#[component]
pub fn Empty(#[prop(into)] title: String, #[prop(into)] hint: String) -> impl IntoView {
    view! {
        <div class="empty">
            <p><strong>{title}</strong></p>
            <p class="muted">{hint}</p>
        </div>
    }
}

#[component]
pub fn Badge(#[prop(into)] text: String, #[prop(into)] tone: String) -> impl IntoView {
    view! { <span class=format!("badge badge-{tone}")>{text}</span> }
}

/// The clock of whoever is signed in (`Gate` provides it); UTC elsewhere.
pub fn clock() -> crate::domain::Clock {
    use_context::<crate::domain::Clock>().unwrap_or_default()
}

/// "Nov 30, 3:20 PM EST" in the viewer's timezone, or "never".
pub fn when(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(|t| clock().when(t))
        .unwrap_or_else(|| "never".into())
}

/// "Nov 30, 2026", the viewer's local date.
pub fn date(at: chrono::DateTime<chrono::Utc>) -> String {
    clock().date(at)
}
