-- Tool data (issue 20): each organization's reservations and drivers, its
-- imports of them, and a daily count of the check_reservation tool's calls.
-- Every table is a tenant table: RLS enabled and forced, the app role sees
-- only the organization in its transaction.

CREATE TABLE reservations (
  organization_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  confirmation_number text NOT NULL CHECK (length(btrim(confirmation_number)) BETWEEN 1 AND 64),
  -- What a caller says, however it is spaced or cased: letters and digits,
  -- upper case ("ds 4411", "DS-4411" and "ds4411" are one reservation).
  confirmation_key    text GENERATED ALWAYS AS
                        (upper(regexp_replace(confirmation_number, '[^A-Za-z0-9]', '', 'g'))) STORED,
  passenger_name      text CHECK (length(passenger_name) <= 200),
  -- E.164, as callers' numbers arrive.
  passenger_phone     text CHECK (passenger_phone ~ '^\+[1-9][0-9]{6,14}$'),
  pickup_at           timestamptz NOT NULL,
  pickup_address      text CHECK (length(pickup_address) <= 500),
  dropoff_address     text CHECK (length(dropoff_address) <= 500),
  status              text NOT NULL DEFAULT 'scheduled' CHECK (length(status) BETWEEN 1 AND 40),
  driver_name         text CHECK (length(driver_name) <= 200),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT reservations_number_key UNIQUE (organization_id, confirmation_number)
);
-- The tool's two lookups, each leading with the organization.
CREATE INDEX reservations_by_key ON reservations (organization_id, confirmation_key);
CREATE INDEX reservations_by_phone ON reservations (organization_id, passenger_phone, pickup_at);

CREATE TABLE drivers (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  phone           text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  active          boolean NOT NULL DEFAULT true,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT drivers_name_key UNIQUE (organization_id, name)
);

-- Each import: who, when, what, how many rows and row errors.
CREATE TABLE tool_data_imports (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  kind            text NOT NULL CHECK (kind IN ('reservations', 'drivers')),
  mode            text NOT NULL CHECK (mode IN ('replace', 'merge')),
  rows            integer NOT NULL CHECK (rows >= 0),
  errors          integer NOT NULL DEFAULT 0 CHECK (errors >= 0),
  actor_label     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE INDEX tool_data_imports_latest ON tool_data_imports (organization_id, kind, created_at DESC);

-- The tool's calls per organization and UTC day, counted (not per row).
CREATE TABLE tool_call_counts (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  day             date NOT NULL,
  calls           integer NOT NULL DEFAULT 0,
  found           integer NOT NULL DEFAULT 0,
  not_found       integer NOT NULL DEFAULT 0,
  total_ms        bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (organization_id, day)
);

-- How many hours after the last reservations import the data counts as
-- stale (the tool says so; the page shows it in amber).
ALTER TABLE organizations
  ADD COLUMN tool_data_stale_hours integer NOT NULL DEFAULT 24
    CHECK (tool_data_stale_hours BETWEEN 1 AND 8760);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['reservations', 'drivers', 'tool_data_imports', 'tool_call_counts'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I TO callboard_app
                      USING (organization_id = app.current_org())
                      WITH CHECK (organization_id = app.current_org())', t || '_tenant', t);
    EXECUTE format('CREATE POLICY %I ON %I TO callboard_platform USING (true) WITH CHECK (true)',
                   t || '_platform', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO callboard_app, callboard_platform', t);
  END LOOP;
END $$;

-- The tool finds an organization by the agent a call names when only one
-- organization registered it (the lookup role already reads agents' ids).
