//! `GET /events`: Server-Sent Events for open dashboards. Each server
//! process listens to PostgreSQL (`server::listen`) and passes every
//! organization's `calls` notifications to a broadcast channel; each stream
//! forwards only its own session's organization (every organization for a
//! super admin on the platform domain, whose console shows them all), at
//! most every 400 ms.
//! Streams end after a while so the browser reconnects and the session is
//! checked again.

use crate::auth::{Caller, Need};
use crate::state::AppState;
use crate::tenancy::HostSite;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::Instant;
use uuid::Uuid;

/// Minimum time between two events on one stream.
const SPACING: Duration = Duration::from_millis(400);
/// How long one stream lives before the browser must reconnect.
const LIFETIME: Duration = Duration::from_secs(600);

pub async fn events(State(state): State<AppState>, caller: Caller) -> Response {
    let who = match &caller.site {
        HostSite::Platform => caller.super_admin().await.map(|_| None),
        HostSite::Org(_) => caller.require(Need::Member).await.map(|w| Some(w.org_id())),
    };
    let org = match who {
        Ok(org) => org,
        Err(e) => return super::refuse(e),
    };
    let stream = Stream {
        rx: state.live.subscribe(),
        org,
        last: None,
        started: false,
        ends: Instant::now() + LIFETIME,
    };
    let events = futures_util::stream::unfold(stream, |mut s| async move {
        let event = s.next().await?;
        Some((Ok::<_, Infallible>(event), s))
    });
    let mut res = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    // Tell buffering proxies to pass events through at once.
    res.headers_mut()
        .insert("x-accel-buffering", http::HeaderValue::from_static("no"));
    res
}

struct Stream {
    rx: broadcast::Receiver<Uuid>,
    /// `None`: every organization (the console).
    org: Option<Uuid>,
    last: Option<Instant>,
    started: bool,
    ends: Instant,
}

impl Stream {
    async fn next(&mut self) -> Option<Event> {
        if !self.started {
            self.started = true;
            // Lets the page (and tests) know the subscription is live; the
            // retry hint makes reconnection quick.
            return Some(
                Event::default()
                    .event("ready")
                    .data("{}")
                    .retry(Duration::from_secs(1)),
            );
        }
        tokio::time::timeout_at(self.ends, self.wait()).await.ok()?
    }

    async fn wait(&mut self) -> Option<Event> {
        loop {
            match self.rx.recv().await {
                Ok(org) if self.org.is_none_or(|o| o == org) || org.is_nil() => break,
                Ok(_) => continue,
                // Missed some: one of them may have been ours.
                Err(RecvError::Lagged(_)) => break,
                Err(RecvError::Closed) => return None,
            }
        }
        // A burst of changes becomes one event per SPACING.
        if let Some(last) = self.last {
            tokio::time::sleep_until(last + SPACING).await;
            while self.rx.try_recv().is_ok() {}
        }
        self.last = Some(Instant::now());
        Some(Event::default().event("calls").data("{}"))
    }
}
