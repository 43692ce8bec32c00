-- Agent settings and phone numbers: how each organization's agent greets and
-- routes callers, and the numbers through which one shared voice agent knows
-- whose call it is answering. Both are tenant tables: RLS forced.

------------------------------------------------------------------------------
-- agent_settings: at most one row per organization, created by the first save.
-- Hours are whole hours in the organization's timezone; the end hour is
-- exclusive, start > end spans midnight, start = end means open all day
-- (src/inbound/hours.rs).
CREATE TABLE agent_settings (
  organization_id      uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  company_name         text NOT NULL CHECK (length(btrim(company_name)) BETWEEN 1 AND 120),
  operator_name        text CHECK (length(operator_name) <= 120),
  operator_phone       text CHECK (operator_phone ~ '^\+[1-9][0-9]{6,14}$'),
  operator_email       text CHECK (length(operator_email) <= 254),
  timezone             text NOT NULL DEFAULT 'America/Phoenix' CHECK (length(timezone) <= 64),
  welcome_message      text CHECK (length(welcome_message) <= 1000),
  after_hours_message  text CHECK (length(after_hours_message) <= 1000),
  business_hours_start smallint NOT NULL DEFAULT 6 CHECK (business_hours_start BETWEEN 0 AND 23),
  business_hours_end   smallint NOT NULL DEFAULT 22 CHECK (business_hours_end BETWEEN 0 AND 23),
  transfer_enabled     boolean NOT NULL DEFAULT true,
  forwarding_mode      text NOT NULL DEFAULT 'always'
                       CHECK (forwarding_mode IN ('always', 'after_hours', 'overflow')),
  office_phone         text CHECK (office_phone ~ '^\+[1-9][0-9]{6,14}$'),
  carrier              text NOT NULL DEFAULT 'twilio' CHECK (carrier IN ('twilio', 'telnyx', 'other')),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  -- The office must be reachable when it is meant to ring first.
  CONSTRAINT agent_settings_office_phone_needed
    CHECK (forwarding_mode = 'always' OR office_phone IS NOT NULL)
);

------------------------------------------------------------------------------
-- phone_numbers: numbers callers dial. A number belongs to one organization
-- platform-wide (the inbound webhook finds the tenant by it). `pending` until
-- the first correctly signed inbound webhook for it arrives, then `connected`.
CREATE TABLE phone_numbers (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  number          text NOT NULL CHECK (number ~ '^\+[1-9][0-9]{6,14}$'),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'connected')),
  last_inbound_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT phone_numbers_number_key UNIQUE (number)
);

------------------------------------------------------------------------------
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['agent_settings', 'phone_numbers'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I TO callboard_app
                      USING (organization_id = app.current_org())
                      WITH CHECK (organization_id = app.current_org())', t || '_tenant', t);
    EXECUTE format('CREATE POLICY %I ON %I TO callboard_platform USING (true) WITH CHECK (true)',
                   t || '_platform', t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON agent_settings, phone_numbers
  TO callboard_app, callboard_platform;
