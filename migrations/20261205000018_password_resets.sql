-- Password reset links (issue 21). A user's, not an organization's: only
-- the platform path (the account-recovery purpose) reads or writes them.
-- The token is stored as its SHA-256; a link works once, for 30 minutes.
CREATE TABLE password_resets (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash bytea NOT NULL CHECK (length(token_hash) = 32),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT password_resets_token_key UNIQUE (token_hash)
);
CREATE INDEX password_resets_by_user ON password_resets (user_id, created_at DESC);

ALTER TABLE password_resets ENABLE ROW LEVEL SECURITY;
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;
CREATE POLICY password_resets_platform ON password_resets TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON password_resets TO callboard_platform;
