//! Server functions for an organization's phone numbers, connected to the
//! voice platform. Managers call them: a super admin naming the organization
//! (or viewing as it), or the organization's own admins where the agency
//! allowed it (`services::numbers` decides; viewers never).

use crate::domain::numbers::{NumberForm, NumbersPage};
use crate::domain::PhoneNumber;
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(prefix = "/api", endpoint = "numbers")]
pub async fn phone_numbers(
    #[server(default)] org_id: Option<Uuid>,
) -> Result<NumbersPage, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Manager(org_id)).await?;
            crate::services::numbers::page(&app.pool, &who).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "numbers/connect")]
pub async fn connect_number(
    #[server(default)] org_id: Option<Uuid>,
    form: NumberForm,
) -> Result<PhoneNumber, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Manager(org_id)).await?;
            crate::services::numbers::connect(&app.pool, app.voice_platform(), &who, &form).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "numbers/change")]
pub async fn change_number(
    #[server(default)] org_id: Option<Uuid>,
    id: Uuid,
    form: NumberForm,
) -> Result<PhoneNumber, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Manager(org_id)).await?;
            crate::services::numbers::change(&app.pool, app.voice_platform(), &who, id, &form).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "numbers/disconnect")]
pub async fn disconnect_number(
    #[server(default)] org_id: Option<Uuid>,
    id: Uuid,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Manager(org_id)).await?;
            crate::services::numbers::disconnect(&app.pool, app.voice_platform(), &who, id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "numbers/check")]
pub async fn check_number(
    #[server(default)] org_id: Option<Uuid>,
    id: Uuid,
) -> Result<PhoneNumber, AppError> {
    super::respond(
        async {
            let (app, who) = super::require(super::Need::Manager(org_id)).await?;
            crate::services::numbers::check(&app.pool, app.voice_platform(), &who, id).await
        }
        .await,
    )
}

/// Whether the organization's own admins may connect and change numbers
/// (the agency's decision).
#[server(prefix = "/api", endpoint = "numbers/clients-manage")]
pub async fn set_clients_manage_numbers(org_id: Uuid, on: bool) -> Result<(), AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::numbers::set_clients_manage(
                &app.pool,
                sa.platform(),
                &sa.actor(),
                org_id,
                on,
            )
            .await
        }
        .await,
    )
}

/// The agency's shared key: its last four characters and when it was
/// stored, if any.
#[server(prefix = "/api", endpoint = "platform/api-key")]
pub async fn shared_key() -> Result<Option<String>, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            let status = crate::services::shared_key::status(&app.pool, sa.platform()).await?;
            Ok(status.map(|(last4, _)| last4))
        }
        .await,
    )
}

/// Stores the agency's shared key (sealed; never returned).
#[server(prefix = "/api", endpoint = "platform/api-key/save")]
pub async fn save_shared_key(api_key: String) -> Result<String, AppError> {
    super::respond(
        async {
            let (app, sa) = super::require_super_admin().await?;
            crate::services::shared_key::set(
                &app.pool,
                sa.platform(),
                &sa.actor(),
                &app.keys,
                &api_key,
            )
            .await
        }
        .await,
    )
}
