//! Organizations' logos and favicons: served from our own route (no external
//! hosting), and uploaded by super admins through a plain multipart form, so
//! the console's upload works before hydration too.

use crate::auth::Caller;
use crate::db::{self, PlatformAccess};
use crate::error::AppError;
use crate::services::branding::{self, AssetKind, ImageProblem};
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

/// Uploads above this are cut off by the server; between 1 MB and this they
/// get a clear message instead.
pub const MAX_UPLOAD_BYTES: usize = 4 * 1024 * 1024;

/// `GET /brand/{org}/{kind}`: an organization's logo or favicon. These are
/// public (they appear on the sign-in page), cacheable, and revalidated by
/// ETag; an SVG may not run anything.
pub async fn asset(
    State(state): State<AppState>,
    Path((org, kind)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (Ok(org_id), Some(kind)) = (Uuid::parse_str(&org), AssetKind::parse(&kind)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let found = async {
        let mut tx = db::tx::platform(&state.pool, PlatformAccess::host_lookup()).await?;
        let asset = db::branding::asset(&mut tx, org_id, kind.as_str()).await?;
        tx.commit().await?;
        Ok::<_, AppError>(asset)
    }
    .await;
    let asset = match found {
        Ok(Some(a)) => a,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let etag = format!("\"{}\"", asset.sha256);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        asset.bytes.into_response()
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&asset.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    // URLs carry the digest (`?v=`), so a changed image is a new URL.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    res
}

/// `POST /console/orgs/{org}/brand/{kind}` (multipart, field `file`): a super
/// admin replaces a logo or favicon, then goes back to the organization's
/// page, which says what happened.
pub async fn upload(
    State(state): State<AppState>,
    Path((org, kind)): Path<(Uuid, String)>,
    caller: Caller,
    multipart: Multipart,
) -> Response {
    let sa = match caller.super_admin().await {
        Ok(sa) => sa,
        Err(e) => return super::refuse(e),
    };
    let Some(kind) = AssetKind::parse(&kind) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let result = match read_file(multipart).await {
        Ok(bytes) => {
            branding::set_asset(&state.pool, sa.platform(), &sa.actor(), org, kind, &bytes).await
        }
        Err(problem) => Err(AppError::field("file", problem.code())),
    };
    let back = format!("/orgs/{org}");
    match result {
        Ok(()) => Redirect::to(&format!("{back}?asset={}#branding", kind.as_str())).into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            // The code is one of ours (a field error), or "failed".
            let code = e.field_message("file").unwrap_or_else(|| "failed".into());
            Redirect::to(&format!("{back}?asset_error={code}#branding")).into_response()
        }
    }
}

async fn read_file(mut multipart: Multipart) -> Result<Vec<u8>, ImageProblem> {
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| ImageProblem::TooLarge)?
    {
        if field.name() == Some("file") {
            return field
                .bytes()
                .await
                .map(|b| b.to_vec())
                .map_err(|_| ImageProblem::TooLarge);
        }
    }
    Err(ImageProblem::Empty)
}
