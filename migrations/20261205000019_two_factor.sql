-- Two-factor sign-in (issue 21). A person's, not an organization's: only
-- the platform path reads or writes these (the account and sign-in
-- purposes), so a tenant transaction sees nothing of them.
--
-- The TOTP secret is sealed like an API key (AES-256-GCM, bound to the
-- user and the column). `confirmed_at` is NULL while enrolment waits for
-- the first code. `last_step` is the 30-second step of the last code
-- accepted: a code is good once, however quickly it is replayed.
CREATE TABLE user_totp (
  user_id       uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret_key_id text NOT NULL,
  secret_nonce  bytea NOT NULL,
  secret_sealed bytea NOT NULL,
  confirmed_at  timestamptz,
  last_step     bigint,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Ten one-time recovery codes, kept as SHA-256 (each holds 80 random bits,
-- so the hash cannot be walked back); shown once, when made.
CREATE TABLE user_recovery_codes (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash  bytea NOT NULL CHECK (length(code_hash) = 32),
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_recovery_codes_unique UNIQUE (user_id, code_hash)
);

ALTER TABLE user_totp ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_totp FORCE ROW LEVEL SECURITY;
CREATE POLICY user_totp_platform ON user_totp TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON user_totp TO callboard_platform;

ALTER TABLE user_recovery_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_recovery_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY user_recovery_codes_platform ON user_recovery_codes TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON user_recovery_codes TO callboard_platform;
