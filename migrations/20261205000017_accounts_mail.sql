-- Accounts (issue 21, first part): the e-mail outbox and team invitations.

-- Every e-mail goes through here, written in the transaction of the change
-- that causes it; the worker delivers it over SMTP and records each attempt.
CREATE TABLE outbox (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The organization the message is about (none: a platform message).
  organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('invitation', 'password_reset')),
  from_name       text NOT NULL CHECK (length(from_name) <= 200),
  to_address      text NOT NULL CHECK (length(to_address) BETWEEN 3 AND 254),
  subject         text NOT NULL CHECK (length(subject) <= 300),
  text_body       text NOT NULL,
  html_body       text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- A worker's claim: others skip the message until it runs out.
  locked_until    timestamptz,
  sent_at         timestamptz,
  last_error      text
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_recent ON outbox (created_at DESC);

CREATE TABLE outbox_attempts (
  outbox_id uuid NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
  at        timestamptz NOT NULL DEFAULT now(),
  ok        boolean NOT NULL,
  error     text
);
CREATE INDEX outbox_attempts_by_message ON outbox_attempts (outbox_id, at);

-- An organization's users write its messages (an invitation) and read
-- them; only the platform path (the worker, the console) reads them all,
-- changes them, or writes platform messages.
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY outbox_tenant_read ON outbox FOR SELECT TO callboard_app
  USING (organization_id = app.current_org());
CREATE POLICY outbox_tenant_write ON outbox FOR INSERT TO callboard_app
  WITH CHECK (organization_id = app.current_org());
CREATE POLICY outbox_platform ON outbox TO callboard_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT ON outbox TO callboard_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox TO callboard_platform;

ALTER TABLE outbox_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY outbox_attempts_platform ON outbox_attempts TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, DELETE ON outbox_attempts TO callboard_platform;

-- Invitations to join an organization. The link's token is stored only as
-- its SHA-256; it works once, until it expires or is revoked.
CREATE TABLE invitations (
  organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  email            text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'
                                        AND length(email) <= 254),
  role             text NOT NULL CHECK (role IN ('admin', 'viewer')),
  token_hash       bytea NOT NULL CHECK (length(token_hash) = 32),
  invited_by_label text NOT NULL,
  expires_at       timestamptz NOT NULL,
  accepted_at      timestamptz,
  accepted_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  revoked_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT invitations_token_key UNIQUE (token_hash)
);
CREATE INDEX invitations_pending ON invitations (organization_id, created_at DESC)
  WHERE accepted_at IS NULL AND revoked_at IS NULL;

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY invitations_tenant ON invitations TO callboard_app
  USING (organization_id = app.current_org())
  WITH CHECK (organization_id = app.current_org());
CREATE POLICY invitations_platform ON invitations TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE ON invitations TO callboard_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO callboard_platform;
