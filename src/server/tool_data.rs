//! The Reservations page's plain routes: uploading a file (multipart, read
//! as it streams in), confirming an upload, the templates, and the CSV
//! exports. Plain forms and links, so they work before hydration; each
//! answers with a redirect back to the page, which says what happened.

use crate::auth::{Caller, Need};
use crate::domain::tool_data::ReservationQuery;
use crate::domain::tool_import::{self, Kind};
use crate::error::AppError;
use crate::services::{reservations, tool_import as import};
use crate::state::AppState;
use crate::tenancy::HostSite;
use axum::body::Body;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::StreamExt;
use std::collections::HashMap;
use uuid::Uuid;

/// The route's body limit: the file's own limit and room for the form.
pub const MAX_UPLOAD_BYTES: usize = tool_import::MAX_BYTES + 1024 * 1024;

fn kind_of(s: &str) -> Option<Kind> {
    match s {
        "reservations" => Some(Kind::Reservations),
        "drivers" => Some(Kind::Drivers),
        _ => None,
    }
}

/// `POST /reservations/upload/{kind}` (multipart, field `file`): keeps the
/// file and shows its preview.
pub async fn upload(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    caller: Caller,
    mut multipart: Multipart,
) -> Response {
    let who = match caller.require(Need::OrgAdmin).await {
        Ok(who) => who,
        Err(e) => return super::refuse(e),
    };
    let Some(kind) = kind_of(&kind) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let field = loop {
        match multipart.next_field().await {
            Ok(Some(f)) if f.name() == Some("file") => break Some(f),
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => break None,
        }
    };
    let filename = field
        .as_ref()
        .and_then(|f| f.file_name())
        .unwrap_or("upload.csv")
        .to_string();
    let body = futures_util::stream::iter(field).flatten().map(|chunk| {
        chunk.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                tool_import::too_large()
            } else {
                "The upload broke off before the end. Please try again.".to_string()
            }
        })
    });
    match import::upload(&state.pool, &who, kind, &filename, Box::pin(body)).await {
        Ok(preview) => {
            Redirect::to(&format!("/reservations?upload={}#upload", preview.id)).into_response()
        }
        Err(e) => super::refuse(e),
    }
}

/// `POST /reservations/uploads/{id}/confirm` (form: `mode` = merge or
/// replace): imports a previewed upload.
pub async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    caller: Caller,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let who = match caller.require(Need::OrgAdmin).await {
        Ok(who) => who,
        Err(e) => return super::refuse(e),
    };
    let mode = form
        .get("mode")
        .and_then(|m| import::Mode::parse(m))
        .unwrap_or(import::Mode::Merge);
    match import::confirm(&state.pool, &who, id, mode).await {
        Ok(done) => Redirect::to(&format!(
            "/reservations?imported={}#imports",
            done.kind.as_str()
        ))
        .into_response(),
        // The page shows the upload again, with what stood in the way.
        Err(AppError::Validation { .. }) => {
            Redirect::to(&format!("/reservations?upload={id}&refused=1#upload")).into_response()
        }
        Err(e) => super::refuse(e),
    }
}

/// `GET /reservations/templates/{reservations|drivers}.csv`.
pub async fn template(Path(file): Path<String>, caller: Caller) -> Response {
    if let Err(e) = caller.require(Need::Member).await {
        return super::refuse(e);
    }
    let Some(kind) = file.strip_suffix(".csv").and_then(kind_of) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    csv_response(
        &format!("{}-template.csv", kind.as_str()),
        Body::from(tool_import::template(kind)),
    )
}

/// `GET /reservations/export.csv?q=&date=` and `/reservations/drivers.csv`:
/// the organization's data in the import's format.
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    download(state, caller, Some(params)).await
}

pub async fn export_drivers(State(state): State<AppState>, caller: Caller) -> Response {
    download(state, caller, None).await
}

async fn download(
    state: AppState,
    caller: Caller,
    reservations_query: Option<HashMap<String, String>>,
) -> Response {
    let started = async {
        let who = caller.require(Need::Member).await?;
        let HostSite::Org(org) = &caller.site else {
            return Err(AppError::Forbidden);
        };
        match &reservations_query {
            Some(params) => {
                let q = ReservationQuery::from_query(|k| params.get(k).cloned());
                reservations::export(&state.pool, &who, &org.slug, &q).await
            }
            None => reservations::export_drivers(&state.pool, &who, &org.slug).await,
        }
    }
    .await;
    let download = match started {
        Ok(d) => d,
        Err(e) => return super::refuse(e),
    };
    let chunks = tokio_stream::wrappers::ReceiverStream::new(download.chunks);
    let body = Body::from_stream(
        chunks.map(|chunk| chunk.map_err(|e| std::io::Error::other(e.to_string()))),
    );
    csv_response(&download.filename, body)
}

fn csv_response(filename: &str, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}
