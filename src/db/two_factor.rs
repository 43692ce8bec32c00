//! Two-factor secrets and recovery codes (migration 19). A person's, not an
//! organization's: reached only on the platform path (`PlatformAccess::
//! own_account` to enrol, `second_factor` at sign-in).

use crate::crypto::Sealed;
use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

/// The column a secret is sealed for (with the user's id as the subject).
pub const SECRET_COLUMN: &str = "user_totp.secret";

pub struct Totp {
    pub sealed: Sealed,
    pub confirmed_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn get(conn: &mut PgConnection, user_id: Uuid) -> Result<Option<Totp>, AppError> {
    type Row = (
        String,
        Vec<u8>,
        Vec<u8>,
        Option<chrono::DateTime<chrono::Utc>>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT secret_key_id, secret_nonce, secret_sealed, confirmed_at
               FROM user_totp WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(key_id, nonce, ciphertext, confirmed_at)| Totp {
        sealed: Sealed {
            key_id,
            nonce,
            ciphertext,
        },
        confirmed_at,
    }))
}

/// Whether the user signs in with a second step.
pub async fn is_on(conn: &mut PgConnection, user_id: Uuid) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL)",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?)
}

/// Starts (or starts again) an enrolment: a new secret, not yet confirmed.
/// A confirmed secret is never replaced this way.
pub async fn put_pending(
    conn: &mut PgConnection,
    user_id: Uuid,
    sealed: &Sealed,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO user_totp (user_id, secret_key_id, secret_nonce, secret_sealed)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE
            SET secret_key_id = excluded.secret_key_id, secret_nonce = excluded.secret_nonce,
                secret_sealed = excluded.secret_sealed, created_at = now(), last_step = NULL
          WHERE user_totp.confirmed_at IS NULL",
    )
    .bind(user_id)
    .bind(&sealed.key_id)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses up time step `step` for the user: true if no code of this step or
/// a later one was accepted before (one statement, so two requests racing
/// with the same code cannot both win).
pub async fn take_step(
    conn: &mut PgConnection,
    user_id: Uuid,
    step: u64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE user_totp SET last_step = $2
          WHERE user_id = $1 AND (last_step IS NULL OR last_step < $2)",
    )
    .bind(user_id)
    .bind(step as i64)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn confirm(conn: &mut PgConnection, user_id: Uuid) -> Result<(), AppError> {
    sqlx::query("UPDATE user_totp SET confirmed_at = now() WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Turns two-factor sign-in off: the secret and every recovery code go.
pub async fn remove(conn: &mut PgConnection, user_id: Uuid) -> Result<(), AppError> {
    sqlx::query("DELETE FROM user_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM user_totp WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the user's recovery codes with these (their hashes).
pub async fn replace_codes(
    conn: &mut PgConnection,
    user_id: Uuid,
    hashes: &[Vec<u8>],
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM user_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO user_recovery_codes (user_id, code_hash)
         SELECT $1, h FROM unnest($2::bytea[]) AS h",
    )
    .bind(user_id)
    .bind(hashes)
    .execute(conn)
    .await?;
    Ok(())
}

/// Uses up the recovery code with this hash; false if there is none unused.
pub async fn use_code(
    conn: &mut PgConnection,
    user_id: Uuid,
    hash: &[u8],
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE user_recovery_codes SET used_at = now()
          WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(hash)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn codes_left(conn: &mut PgConnection, user_id: Uuid) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?)
}

/// Every sealed secret (key rotation).
pub async fn all_sealed(conn: &mut PgConnection) -> Result<Vec<(Uuid, Sealed)>, AppError> {
    let rows: Vec<(Uuid, String, Vec<u8>, Vec<u8>)> =
        sqlx::query_as("SELECT user_id, secret_key_id, secret_nonce, secret_sealed FROM user_totp")
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(user, key_id, nonce, ciphertext)| {
            (
                user,
                Sealed {
                    key_id,
                    nonce,
                    ciphertext,
                },
            )
        })
        .collect())
}

pub async fn reseal(
    conn: &mut PgConnection,
    user_id: Uuid,
    sealed: &Sealed,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE user_totp SET secret_key_id = $2, secret_nonce = $3, secret_sealed = $4
          WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(&sealed.key_id)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .execute(conn)
    .await?;
    Ok(())
}
