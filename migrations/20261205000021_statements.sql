-- Monthly statements (issue 22): each organization's month, closed at the
-- start of the next one in the organization's timezone and never changed
-- afterwards. A call that changes after its month closed (a late event, a
-- billable override) is put right on the next statement by an adjustment
-- line naming the call and the difference.
--
-- The organization's own members read their statements; only the platform
-- path (housekeeping, the operator's CLI, a super admin) writes them.

CREATE TABLE statements (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  -- The month, as its first day in the organization's timezone.
  month            date NOT NULL CHECK (extract(day FROM month) = 1),
  timezone         text NOT NULL,
  period_start     timestamptz NOT NULL,
  period_end       timestamptz NOT NULL CHECK (period_end > period_start),
  billable_calls   bigint NOT NULL,
  test_calls       bigint NOT NULL,
  billed_minutes   bigint NOT NULL,
  usage_cents      bigint NOT NULL,
  adjustment_cents bigint NOT NULL,
  total_cents      bigint NOT NULL,
  closed_at        timestamptz NOT NULL DEFAULT now(),
  closed_by        text NOT NULL,
  CONSTRAINT statements_month_key UNIQUE (organization_id, month)
);

CREATE TABLE statement_lines (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  statement_id    uuid NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
  position        integer NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('usage', 'test', 'adjustment')),
  agent_id        uuid,
  agent_name      text,
  rate_cents      numeric(12, 4),
  calls           bigint NOT NULL,
  minutes         bigint NOT NULL,
  amount_cents    bigint NOT NULL,
  call_id         uuid,
  description     text NOT NULL,
  CONSTRAINT statement_lines_position_key UNIQUE (statement_id, position)
);
CREATE INDEX statement_lines_by_org ON statement_lines (organization_id, statement_id);

-- What each call was last billed at on a statement: the next close compares
-- against it to find what changed.
CREATE TABLE statement_calls (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  call_id         uuid NOT NULL,
  statement_id    uuid NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
  billable        boolean NOT NULL,
  billed_minutes  bigint NOT NULL,
  amount_cents    bigint NOT NULL,
  PRIMARY KEY (organization_id, call_id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['statements', 'statement_lines', 'statement_calls'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO callboard_app
                      USING (organization_id = app.current_org())', t || '_tenant', t);
    EXECUTE format('CREATE POLICY %I ON %I TO callboard_platform USING (true) WITH CHECK (true)',
                   t || '_platform', t);
    EXECUTE format('GRANT SELECT ON %I TO callboard_app', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO callboard_platform', t);
  END LOOP;
END $$;
