//! App-wide reactive state: who is signed in, and the sign-in/out actions
//! whose completion refreshes it.

use crate::api::auth::{whoami, Login, Logout};
use crate::domain::Whoami;
use crate::error::AppError;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    pub whoami: Resource<Result<Whoami, AppError>>,
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
}

impl Session {
    pub fn provide() -> Self {
        let login = ServerAction::<Login>::new();
        let logout = ServerAction::<Logout>::new();
        let whoami = Resource::new(
            move || (login.version().get(), logout.version().get()),
            |_| whoami(),
        );
        let session = Session {
            whoami,
            login,
            logout,
        };
        provide_context(session);
        session
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
