-- Tool data, second part (issue 20): uploads staged for a preview, and the
-- staleness limit as the organization's own setting.
--
-- An upload is kept (in 1 MB chunks, as it streamed in) between its preview
-- and the admin's confirmation, so the confirmation imports exactly the file
-- that was previewed, from any server process, without the browser sending
-- it twice. Confirming (or a day passing) deletes it.

CREATE TABLE tool_data_uploads (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  kind            text NOT NULL CHECK (kind IN ('reservations', 'drivers')),
  filename        text NOT NULL CHECK (length(filename) <= 255),
  bytes           bigint NOT NULL DEFAULT 0,
  rows            integer NOT NULL DEFAULT 0,
  error_count     integer NOT NULL DEFAULT 0,
  -- A problem with the whole file (no header, too large); no chunks then.
  problem         text,
  -- The preview: first rows, row errors (at most 200), ignored columns.
  summary         jsonb NOT NULL DEFAULT '{}',
  actor_label     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);

CREATE TABLE tool_data_upload_chunks (
  organization_id uuid NOT NULL,
  upload_id       uuid NOT NULL,
  seq             integer NOT NULL,
  content         bytea NOT NULL,
  PRIMARY KEY (organization_id, upload_id, seq),
  FOREIGN KEY (organization_id, upload_id)
    REFERENCES tool_data_uploads (organization_id, id) ON DELETE CASCADE
);

-- The organization's own choice of when its data counts as stale; an org
-- admin sets it (the app role cannot write organizations).
CREATE TABLE tool_data_settings (
  organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  stale_hours     integer NOT NULL DEFAULT 24 CHECK (stale_hours BETWEEN 1 AND 8760),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE organizations DROP COLUMN tool_data_stale_hours;

-- A refused import (row errors at confirmation) is recorded too, with its
-- error count and no rows; freshness counts only imports that stored.
ALTER TABLE tool_data_imports ADD COLUMN filename text CHECK (length(filename) <= 255);

-- Calls that named the organization but were refused (signature, suspended).
ALTER TABLE tool_call_counts ADD COLUMN refused integer NOT NULL DEFAULT 0;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tool_data_uploads', 'tool_data_upload_chunks', 'tool_data_settings'] LOOP
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
