//! Server functions of the Reservations page. Uploads, their confirmation,
//! templates and exports are plain routes (`server::tool_data`): files, and
//! forms that work before hydration.

use crate::domain::tool_data::{
    DriversPage, ReservationForm, ReservationLine, ReservationQuery, ReservationsPage, ToolCallDay,
    ToolDataOverview, UploadPreview,
};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "reservations/overview")]
pub async fn reservations_overview() -> Result<ToolDataOverview, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            crate::services::reservations::overview(&app.pool, &who).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "reservations/list")]
pub async fn reservations_list(
    #[server(default)] query: ReservationQuery,
) -> Result<ReservationsPage, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            crate::services::reservations::search(&app.pool, &who, &query).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "reservations/drivers")]
pub async fn drivers_list(
    #[server(default)] text: String,
    #[server(default)] page: u32,
) -> Result<DriversPage, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Member).await?;
            crate::services::reservations::drivers(&app.pool, &who, &text, page).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "reservations/get")]
pub async fn reservation_get(id: Uuid) -> Result<ReservationLine, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::reservations::get(&app.pool, &who, id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "reservations/save")]
pub async fn reservation_save(
    id: Uuid,
    form: ReservationForm,
) -> Result<ReservationLine, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::reservations::save(&app.pool, &who, id, &form).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "reservations/cancel")]
pub async fn reservation_cancel(id: Uuid) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::reservations::cancel(&app.pool, &who, id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "reservations/stale-hours")]
pub async fn tool_data_stale_hours(hours: String) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            let hours = hours
                .trim()
                .parse()
                .map_err(|_| AppError::field("hours", "Give a whole number of hours, like 24."))?;
            crate::services::reservations::set_stale_hours(&app.pool, &who, hours).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "reservations/upload")]
pub async fn tool_data_upload(id: Uuid) -> Result<UploadPreview, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::tool_import::preview(&app.pool, &who, id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org/tool-calls")]
pub async fn tool_call_days() -> Result<Vec<ToolCallDay>, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::OrgAdmin).await?;
            crate::services::reservations::tool_calls(&app.pool, &who, 30, chrono::Utc::now()).await
        }
        .await,
    )
}
