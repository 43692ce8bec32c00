-- Each statement's calls as they were billed on it (issue 22): the PDF's
-- itemised pages. Written once at close, like the statement, and never
-- changed: a later change to a call is an adjustment on a later statement.
CREATE TABLE statement_items (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  statement_id    uuid NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
  call_id         uuid NOT NULL,
  occurred_at     timestamptz NOT NULL,
  from_number     text,
  agent_name      text NOT NULL,
  billable        boolean NOT NULL,
  billed_minutes  bigint NOT NULL,
  amount_cents    bigint NOT NULL,
  PRIMARY KEY (statement_id, call_id)
);
CREATE INDEX statement_items_by_org ON statement_items (organization_id, statement_id, occurred_at);

ALTER TABLE statement_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE statement_items FORCE ROW LEVEL SECURITY;
CREATE POLICY statement_items_tenant ON statement_items FOR SELECT TO callboard_app
  USING (organization_id = app.current_org());
CREATE POLICY statement_items_platform ON statement_items TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT ON statement_items TO callboard_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON statement_items TO callboard_platform;
