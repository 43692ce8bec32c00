-- Self-serve sign-up and the setup wizard (issue 21).

-- The platform's own settings: one row. Sign-up is off until a super admin
-- opens it, and new organizations start on these rates.
CREATE TABLE platform_settings (
  id                              boolean PRIMARY KEY DEFAULT true CHECK (id),
  signup_open                     boolean NOT NULL DEFAULT false,
  signup_billing_cents_per_minute numeric(12, 4) NOT NULL DEFAULT 40
    CHECK (signup_billing_cents_per_minute >= 0),
  signup_cogs_cents_per_minute    numeric(12, 4) NOT NULL DEFAULT 20
    CHECK (signup_cogs_cents_per_minute >= 0),
  updated_at                      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO platform_settings DEFAULT VALUES;

ALTER TABLE platform_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_settings_platform ON platform_settings TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, UPDATE ON platform_settings TO callboard_platform;

-- A company's request to sign up, until its e-mail is confirmed. The
-- password is kept as its argon2 hash, the link as its SHA-256; after the
-- confirmation, a second one-time link (the hand-off) signs the person in
-- on their new address. Nobody's but the platform path's.
CREATE TABLE signups (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_name    text NOT NULL CHECK (length(btrim(company_name)) BETWEEN 1 AND 120),
  subdomain       dns_label NOT NULL,
  person_name     text NOT NULL CHECK (length(btrim(person_name)) BETWEEN 1 AND 120),
  email           text NOT NULL,
  password_hash   text NOT NULL,
  token_hash      bytea NOT NULL CHECK (length(token_hash) = 32),
  expires_at      timestamptz NOT NULL,
  ip              inet,
  confirmed_at    timestamptz,
  organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL,
  handoff_hash    bytea CHECK (length(handoff_hash) = 32),
  handoff_expires timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT signups_token_key UNIQUE (token_hash),
  CONSTRAINT signups_handoff_key UNIQUE (handoff_hash)
);
CREATE INDEX signups_recent ON signups (created_at DESC);

ALTER TABLE signups ENABLE ROW LEVEL SECURITY;
ALTER TABLE signups FORCE ROW LEVEL SECURITY;
CREATE POLICY signups_platform ON signups TO callboard_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON signups TO callboard_platform;

-- The setup wizard's progress, for organizations that signed up themselves
-- (the agency's own organizations have no row, and no wizard). Each step is
-- done when saved; the phone step may be skipped.
CREATE TABLE org_setup (
  organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  details_at      timestamptz,
  messages_at     timestamptz,
  hours_at        timestamptz,
  phone_at        timestamptz,
  phone_skipped   boolean NOT NULL DEFAULT false,
  completed_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE org_setup ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_setup FORCE ROW LEVEL SECURITY;
CREATE POLICY org_setup_tenant ON org_setup TO callboard_app
  USING (organization_id = app.current_org())
  WITH CHECK (organization_id = app.current_org());
CREATE POLICY org_setup_platform ON org_setup TO callboard_platform USING (true) WITH CHECK (true);
GRANT SELECT, UPDATE ON org_setup TO callboard_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON org_setup TO callboard_platform;

-- Sign-up's e-mails go through the outbox too.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
  CHECK (kind IN ('invitation', 'password_reset', 'signup'));
