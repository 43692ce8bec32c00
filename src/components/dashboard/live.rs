//! Live updates: a counter that ticks whenever this organization's calls
//! change, fed by the server's event stream (`GET /events`). Resources that
//! read it refetch; on the server and before hydration it never ticks.

use leptos::prelude::*;

pub fn use_live() -> ReadSignal<u32> {
    let (tick, set_tick) = signal(0u32);
    #[cfg(feature = "hydrate")]
    connect(set_tick);
    #[cfg(not(feature = "hydrate"))]
    let _ = set_tick;
    tick
}

#[cfg(feature = "hydrate")]
fn connect(set_tick: WriteSignal<u32>) {
    use send_wrapper::SendWrapper;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    // The browser reconnects by itself (the server sends a retry hint and
    // ends streams now and then so the session is checked again).
    let Ok(source) = web_sys::EventSource::new("/events") else {
        return;
    };
    let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        set_tick.update(|n| *n = n.wrapping_add(1));
    });
    let _ = source.add_event_listener_with_callback("calls", on_change.as_ref().unchecked_ref());
    let held = SendWrapper::new((source, on_change));
    on_cleanup(move || {
        let (source, _listener) = held.take();
        source.close();
    });
}
