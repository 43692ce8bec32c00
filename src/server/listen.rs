//! Listens for change notifications (`db::notify`) so that every server
//! process, not just the one that made a change, drops what it cached about
//! an organization. If the connection drops, notifications may have been
//! missed, so the caches are cleared whole.

use crate::db::notify;
use crate::state::AppState;
use sqlx::postgres::PgListener;
use std::time::Duration;

pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = listen(&state).await {
                tracing::warn!(error = %e, "change listener lost its connection; retrying");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

async fn listen(state: &AppState) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(&state.pool).await?;
    listener.listen(notify::CHANNEL).await?;
    // Anything may have changed while nobody was listening.
    clear(state);
    loop {
        match listener.try_recv().await? {
            Some(n) => {
                match notify::parse(n.payload()) {
                    Some((org_id, "config")) => state.forget_org(org_id),
                    Some((org_id, "calls")) => {
                        // Drop the stale figures before telling anyone to refetch.
                        state.forget_calls(org_id);
                        // Nobody listening is fine.
                        let _ = state.live.send(org_id);
                    }
                    _ => {}
                }
            }
            // Reconnected: messages sent meanwhile are lost.
            None => clear(state),
        }
    }
}

fn clear(state: &AppState) {
    state.owners.clear();
    state.inbound.clear();
    state.hosts.clear();
    state.summaries.clear();
    state.first_pages.clear();
    let _ = state.live.send(uuid::Uuid::nil());
}
