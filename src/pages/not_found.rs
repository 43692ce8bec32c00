use crate::components::layout::Frame;
use crate::components::status::set_status;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Frame>
            <leptos_meta::Title text="Page not found"/>
            <section class="card empty">
                <h1>"Page not found"</h1>
                <p>"The page you asked for does not exist or has moved."</p>
                <a class="button" href="/">"Go to home"</a>
            </section>
        </Frame>
    }
}
