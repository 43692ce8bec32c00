use crate::error::AppError;
use leptos::prelude::*;

/// Which site this is and who is signed in (nobody is a valid answer).
#[server(prefix = "/api", endpoint = "auth/whoami")]
pub async fn whoami() -> Result<crate::domain::Whoami, AppError> {
    use crate::auth::guard::{request_ctx, require_member, require_super_admin};
    use crate::domain::Viewer;
    use crate::server::host::HostSite;
    super::respond(
        async {
            let ctx = request_ctx().await?;
            let viewer = match &ctx.site {
                HostSite::Platform => match require_super_admin(&ctx).await {
                    Ok(sa) => Ok((
                        Viewer {
                            email: sa.email.clone(),
                            is_super_admin: true,
                            role: None,
                        },
                        crate::services::clock::of_super_admin(&ctx.state.pool, &sa).await?,
                    )),
                    Err(e) => Err(e),
                },
                HostSite::Org(_) => match require_member(&ctx).await {
                    Ok(u) => Ok((
                        Viewer {
                            email: u.email.clone(),
                            is_super_admin: false,
                            role: Some(u.role),
                        },
                        crate::services::clock::of_org(&ctx.state.pool, &u.tenant()).await?,
                    )),
                    Err(e) => Err(e),
                },
            };
            let (viewer, clock) = match viewer {
                Ok((v, clock)) => (Some(v), clock),
                Err(AppError::Unauthorized | AppError::Forbidden | AppError::Refused(_)) => {
                    (None, crate::domain::Clock::default())
                }
                Err(e) => return Err(e),
            };
            let impersonating = match &ctx.site {
                HostSite::Org(org) => org
                    .viewed_by
                    .as_ref()
                    .filter(|_| viewer.is_some())
                    .map(|i| (org.name.clone(), i.expires_at)),
                HostSite::Platform => None,
            };
            Ok(crate::domain::Whoami {
                site: ctx.site.to_site(),
                viewer,
                impersonating,
                clock,
            })
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::auth::guard::request_ctx;
    super::respond(
        async {
            let ctx = request_ctx().await?;
            crate::auth::login::sign_in(&ctx, &email, password).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::auth::guard::request_ctx;
    super::respond(
        async {
            let ctx = request_ctx().await?;
            crate::auth::login::sign_out(&ctx).await?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}
