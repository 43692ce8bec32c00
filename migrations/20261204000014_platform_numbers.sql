-- Phone numbers connected to the voice platform (issue 19).
--
-- A number is recorded only once the platform accepted it into the
-- organization's account (or the platform's shared one): the row carries
-- what we sent (termination URI, provider, SIP user, the answering agent;
-- the SIP password sealed like API keys) and what we last learned (state,
-- when checked, the platform's last complaint in plain words).

ALTER TABLE phone_numbers DROP CONSTRAINT phone_numbers_status_check;
ALTER TABLE phone_numbers
  ADD CONSTRAINT phone_numbers_status_check CHECK (status IN ('pending', 'connected', 'error')),
  ADD COLUMN termination_uri text CHECK (length(termination_uri) BETWEEN 1 AND 500),
  ADD COLUMN provider text NOT NULL DEFAULT 'other' CHECK (provider IN ('twilio', 'telnyx', 'other')),
  ADD COLUMN sip_username text CHECK (length(sip_username) BETWEEN 1 AND 200),
  -- The SIP password, sealed (src/crypto) with the number's id in its
  -- associated data; all three or none.
  ADD COLUMN sip_key_id text,
  ADD COLUMN sip_nonce bytea CHECK (length(sip_nonce) = 12),
  ADD COLUMN sip_ciphertext bytea,
  ADD COLUMN agent_id uuid,
  -- The platform's own name for the number (its `phone_number_pretty`),
  -- as it answered the import or the last check.
  ADD COLUMN platform_label text,
  ADD COLUMN checked_at timestamptz,
  ADD COLUMN last_error text CHECK (length(last_error) <= 500),
  ADD CONSTRAINT phone_numbers_sip_sealed CHECK (
    (sip_key_id IS NULL) = (sip_nonce IS NULL) AND (sip_nonce IS NULL) = (sip_ciphertext IS NULL)),
  ADD CONSTRAINT phone_numbers_agent_fkey FOREIGN KEY (organization_id, agent_id)
    REFERENCES agents (organization_id, id) ON DELETE SET NULL (agent_id);

-- Numbers due a check, oldest first (the background check's scan).
CREATE INDEX phone_numbers_checked ON phone_numbers (checked_at NULLS FIRST);

-- Whether an organization's own admins may connect and change numbers.
ALTER TABLE organizations
  ADD COLUMN clients_manage_numbers boolean NOT NULL DEFAULT false;

------------------------------------------------------------------------------
-- platform_credentials: the agency's own voice-platform key, used by every
-- organization that has none of its own. Only the platform path reads it.
CREATE TABLE platform_credentials (
  kind        text PRIMARY KEY CHECK (kind IN ('voice_api_key')),
  key_id      text NOT NULL,
  nonce       bytea NOT NULL CHECK (length(nonce) = 12),
  ciphertext  bytea NOT NULL,
  last4       text NOT NULL CHECK (length(last4) <= 4),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE platform_credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform_credentials FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_credentials_platform ON platform_credentials TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON platform_credentials TO callboard_platform;

-- The unauthenticated lookups: a signed call event or inbound call of an
-- organization without its own key is checked with the platform's; a call
-- event must name the agent its URL belongs to.
GRANT SELECT (kind, key_id, nonce, ciphertext, last4, updated_at) ON platform_credentials
  TO callboard_lookup;
CREATE POLICY platform_credentials_lookup ON platform_credentials FOR SELECT TO callboard_lookup
  USING (true);
GRANT SELECT (provider_agent_id) ON agents TO callboard_lookup;

------------------------------------------------------------------------------
-- voice_api_usage: an organization's calls to the voice platform's API per
-- UTC day, and the last one that failed (the console's system page).
CREATE TABLE voice_api_usage (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  day             date NOT NULL,
  calls           integer NOT NULL DEFAULT 0 CHECK (calls >= 0),
  failures        integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  last_error      text CHECK (length(last_error) <= 500),
  last_error_at   timestamptz,
  PRIMARY KEY (organization_id, day)
);
ALTER TABLE voice_api_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE voice_api_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY voice_api_usage_tenant ON voice_api_usage TO callboard_app
  USING (organization_id = app.current_org())
  WITH CHECK (organization_id = app.current_org());
CREATE POLICY voice_api_usage_platform ON voice_api_usage TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON voice_api_usage TO callboard_app, callboard_platform;
