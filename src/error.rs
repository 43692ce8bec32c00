//! The one error type. It crosses the wire to the browser, so every variant's
//! message is written for a person and carries no internals: database errors,
//! stack traces and vendor messages are logged on the server and become
//! `Internal` here.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A problem with one form field, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthorized,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("We could not find that.")]
    NotFound,
    #[error("{message}")]
    Validation {
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("{0}")]
    Conflict(String),
    /// Sign-in failed. One message for unknown email and wrong password alike.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    /// Refused for a reason the person is allowed to know (suspended, disabled).
    #[error("{0}")]
    Refused(String),
    #[error("Too many attempts. Please wait a minute and try again.")]
    RateLimited,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The request never got a proper answer (network, malformed arguments).
    /// The detail is for logs and developer tools, never displayed.
    #[error("We could not complete that request. Check your connection and try again.")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Validation {
            message: "Please correct the highlighted fields.".into(),
            fields: vec![FieldError {
                field: field.into(),
                message,
            }],
        }
    }

    pub fn fields(fields: Vec<FieldError>) -> Self {
        AppError::Validation {
            message: "Please correct the highlighted fields.".into(),
            fields,
        }
    }

    /// The message for one form field, if this error has one.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation { fields, .. } => fields
                .iter()
                .find(|f| f.field == field)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Validation { .. } => 422,
            AppError::Conflict(_) => 409,
            AppError::RateLimited => 429,
            AppError::InvalidCredentials => 401,
            AppError::Refused(_) => 403,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            match err {
                sqlx::Error::RowNotFound => AppError::NotFound,
                other => {
                    tracing::error!(error = %other, "database error");
                    AppError::Internal
                }
            }
        }
    }

    impl From<sqlx::migrate::MigrateError> for AppError {
        fn from(err: sqlx::migrate::MigrateError) -> Self {
            tracing::error!(error = %err, "migration error");
            AppError::Internal
        }
    }

    /// For plain axum routes: the error's status and its message for people.
    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = http::StatusCode::from_u16(self.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            (status, self.to_string()).into_response()
        }
    }

    /// The name of the constraint a database error violated, if any. Callers
    /// decide "slug already taken" by constraint name, never by error text.
    pub fn violated_constraint(err: &sqlx::Error) -> Option<&str> {
        match err {
            sqlx::Error::Database(db) => db.constraint(),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
pub use ssr::violated_constraint;

pub type AppResult<T> = Result<T, AppError>;
