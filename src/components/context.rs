//! App-wide reactive state: who is signed in, and the sign-in/out actions
//! whose completion refreshes it.

use crate::api::auth::{whoami, Login, Logout};
use crate::api::two_factor::{SignInCode, TwoFactorConfirm};
use crate::domain::{Branding, Whoami};
use crate::error::AppError;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    pub whoami: Resource<Result<Whoami, AppError>>,
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    /// The second step of signing in.
    pub code: ServerAction<SignInCode>,
    /// Turning two-factor sign-in on (which may open the console).
    pub enrol: ServerAction<TwoFactorConfirm>,
}

impl Session {
    pub fn provide() -> Self {
        let login = ServerAction::<Login>::new();
        let logout = ServerAction::<Logout>::new();
        let code = ServerAction::<SignInCode>::new();
        let enrol = ServerAction::<TwoFactorConfirm>::new();
        let whoami = Resource::new(
            move || {
                (
                    login.version().get(),
                    logout.version().get(),
                    code.version().get(),
                    enrol.version().get(),
                )
            },
            |_| whoami(),
        );
        let session = Session {
            whoami,
            login,
            logout,
            code,
            enrol,
        };
        provide_context(session);
        session
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// What kind of host this page was served on, and its look. Computed on
/// the server from the request and shipped to the browser with the page
/// (`SharedValue`), so both sides render the same tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    pub is_platform: bool,
    pub brand: Branding,
}

impl Host {
    pub fn provide() -> Self {
        let (is_platform, brand) = leptos::server::SharedValue::new(request_host).into_inner();
        let host = Host { is_platform, brand };
        provide_context(host.clone());
        host
    }
}

fn request_host() -> (bool, Branding) {
    #[cfg(feature = "ssr")]
    {
        use crate::tenancy::HostSite;
        let site = use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<HostSite>().cloned());
        match site {
            Some(site) => (matches!(site, HostSite::Platform), site.branding()),
            None => (false, Branding::platform()),
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        (false, Branding::platform())
    }
}

pub fn use_host() -> Host {
    expect_context::<Host>()
}
