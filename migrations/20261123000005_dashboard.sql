-- The dashboard: per-minute rates with history, each call's charge fixed by
-- the rate of its time, and hourly rollups kept in step by triggers so that
-- long ranges read a few thousand rows instead of every call.

------------------------------------------------------------------------------
-- org_rates: what an organization pays per billed minute, and what a minute
-- costs the platform, from `effective_from` on. A call is charged at the rate
-- in effect when it happened, so saving a new rate never changes the past.
-- Without any row the defaults apply (COGS 20 ¢, billing 40 ¢ per minute).
CREATE TABLE org_rates (
  organization_id          uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  effective_from           timestamptz NOT NULL DEFAULT now(),
  billing_cents_per_minute numeric(12, 4) NOT NULL CHECK (billing_cents_per_minute >= 0),
  cogs_cents_per_minute    numeric(12, 4) NOT NULL CHECK (cogs_cents_per_minute >= 0),
  set_by                   uuid DEFAULT app.current_user_id(),
  PRIMARY KEY (organization_id, effective_from)
);

ALTER TABLE org_rates ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_rates FORCE ROW LEVEL SECURITY;
-- The ingestion transaction reads the organization's own rates; only the
-- platform path may set them.
CREATE POLICY org_rates_tenant ON org_rates FOR SELECT TO callboard_app
  USING (organization_id = app.current_org());
CREATE POLICY org_rates_platform ON org_rates TO callboard_platform USING (true) WITH CHECK (true);
GRANT SELECT ON org_rates TO callboard_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON org_rates TO callboard_platform;

------------------------------------------------------------------------------
-- calls: when a call happened (calls that never connected have no start),
-- the rates of that moment, and the money derived from them. Money is whole
-- cents per call: billed minutes × rate, rounded half-up (numeric round()
-- rounds half away from zero, the same for non-negative amounts).
DROP INDEX calls_org_started_idx;
ALTER TABLE calls
  ADD COLUMN occurred_at timestamptz
    GENERATED ALWAYS AS (coalesce(started_at, ended_at, created_at)) STORED,
  ADD COLUMN billing_rate_cents numeric(12, 4) NOT NULL DEFAULT 40,
  ADD COLUMN cogs_rate_cents numeric(12, 4) NOT NULL DEFAULT 20,
  -- What the organization is charged: billable calls only.
  ADD COLUMN charge_cents bigint GENERATED ALWAYS AS (
    CASE WHEN coalesce(billable_override, call_type = 'phone_call')
         THEN round(((coalesce(duration_ms, 0) + 59999) / 60000) * billing_rate_cents)::bigint
         ELSE 0 END) STORED,
  -- What the call cost the platform: the provider's reported cost where
  -- present, otherwise minutes × the COGS rate. Test calls cost too.
  ADD COLUMN cogs_cents bigint GENERATED ALWAYS AS (
    coalesce(round(provider_cost_cents),
             round(((coalesce(duration_ms, 0) + 59999) / 60000) * cogs_rate_cents))::bigint) STORED;

-- Newest first, with a unique tiebreak: the calls table's keyset pagination.
CREATE INDEX calls_org_time_idx ON calls (organization_id, occurred_at DESC, id DESC);

CREATE FUNCTION app.calls_set_rates() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  at timestamptz := coalesce(NEW.started_at, NEW.ended_at, NEW.created_at);
BEGIN
  SELECT r.billing_cents_per_minute, r.cogs_cents_per_minute
    INTO NEW.billing_rate_cents, NEW.cogs_rate_cents
    FROM org_rates r
   WHERE r.organization_id = NEW.organization_id AND r.effective_from <= at
   ORDER BY r.effective_from DESC
   LIMIT 1;
  IF NOT FOUND THEN
    NEW.billing_rate_cents := 40;
    NEW.cogs_rate_cents := 20;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER calls_set_rates_insert BEFORE INSERT ON calls
  FOR EACH ROW EXECUTE FUNCTION app.calls_set_rates();
CREATE TRIGGER calls_set_rates_update BEFORE UPDATE ON calls
  FOR EACH ROW
  WHEN (OLD.started_at IS DISTINCT FROM NEW.started_at OR OLD.ended_at IS DISTINCT FROM NEW.ended_at)
  EXECUTE FUNCTION app.calls_set_rates();

------------------------------------------------------------------------------
-- call_rollups: sums per organization, UTC hour, agent and billable/test.
-- `slot` (0–3, from the call id) spreads one busy hour over four rows, so
-- concurrent ingestion transactions rarely wait for each other's row lock.
-- Readers sum over slots. A test checks these always equal a recount.
CREATE TABLE call_rollups (
  organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  hour             timestamptz NOT NULL,
  agent_id         uuid,
  is_billable      boolean NOT NULL,
  slot             smallint NOT NULL,
  calls            bigint NOT NULL DEFAULT 0,
  billed_minutes   bigint NOT NULL DEFAULT 0,
  duration_ms      bigint NOT NULL DEFAULT 0,
  timed_calls      bigint NOT NULL DEFAULT 0,
  charge_cents     bigint NOT NULL DEFAULT 0,
  cogs_cents       bigint NOT NULL DEFAULT 0,
  reported_cost_calls bigint NOT NULL DEFAULT 0,
  successful       bigint NOT NULL DEFAULT 0,
  evaluated        bigint NOT NULL DEFAULT 0,
  positive         bigint NOT NULL DEFAULT 0,
  neutral          bigint NOT NULL DEFAULT 0,
  negative         bigint NOT NULL DEFAULT 0,
  CONSTRAINT call_rollups_key UNIQUE NULLS NOT DISTINCT
    (organization_id, hour, agent_id, is_billable, slot)
);

ALTER TABLE call_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE call_rollups FORCE ROW LEVEL SECURITY;
CREATE POLICY call_rollups_tenant ON call_rollups TO callboard_app
  USING (organization_id = app.current_org())
  WITH CHECK (organization_id = app.current_org());
CREATE POLICY call_rollups_platform ON call_rollups TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE ON call_rollups TO callboard_app, callboard_platform;

-- Adds (sign 1) or removes (sign -1) one call's contribution.
CREATE FUNCTION app.call_rollup_add(r calls, sign integer) RETURNS void
  LANGUAGE sql AS $$
  INSERT INTO call_rollups AS c (
    organization_id, hour, agent_id, is_billable, slot, calls, billed_minutes, duration_ms,
    timed_calls, charge_cents, cogs_cents, reported_cost_calls, successful, evaluated,
    positive, neutral, negative)
  VALUES (
    r.organization_id, date_trunc('hour', r.occurred_at, 'UTC'), r.agent_id, r.is_billable,
    (hashtext(r.id::text) & 3)::smallint,
    sign, sign * r.billed_minutes, sign * coalesce(r.duration_ms, 0),
    sign * (r.duration_ms IS NOT NULL)::int, sign * r.charge_cents, sign * r.cogs_cents,
    sign * (r.provider_cost_cents IS NOT NULL)::int, sign * (r.successful IS TRUE)::int,
    sign * (r.successful IS NOT NULL)::int,
    sign * (r.sentiment IS NOT DISTINCT FROM 'Positive')::int,
    sign * (r.sentiment IS NOT DISTINCT FROM 'Neutral')::int,
    sign * (r.sentiment IS NOT DISTINCT FROM 'Negative')::int)
  ON CONFLICT ON CONSTRAINT call_rollups_key DO UPDATE SET
    calls = c.calls + EXCLUDED.calls,
    billed_minutes = c.billed_minutes + EXCLUDED.billed_minutes,
    duration_ms = c.duration_ms + EXCLUDED.duration_ms,
    timed_calls = c.timed_calls + EXCLUDED.timed_calls,
    charge_cents = c.charge_cents + EXCLUDED.charge_cents,
    cogs_cents = c.cogs_cents + EXCLUDED.cogs_cents,
    reported_cost_calls = c.reported_cost_calls + EXCLUDED.reported_cost_calls,
    successful = c.successful + EXCLUDED.successful,
    evaluated = c.evaluated + EXCLUDED.evaluated,
    positive = c.positive + EXCLUDED.positive,
    neutral = c.neutral + EXCLUDED.neutral,
    negative = c.negative + EXCLUDED.negative
$$;

CREATE FUNCTION app.calls_rollup() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM app.call_rollup_add(OLD, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM app.call_rollup_add(NEW, 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER calls_rollup_insert_delete AFTER INSERT OR DELETE ON calls
  FOR EACH ROW EXECUTE FUNCTION app.calls_rollup();
-- Only when something the rollups count changed (most merges of a transcript
-- or summary change nothing here).
CREATE TRIGGER calls_rollup_update AFTER UPDATE ON calls
  FOR EACH ROW
  WHEN ((OLD.occurred_at, OLD.agent_id, OLD.is_billable, OLD.billed_minutes, OLD.duration_ms,
         OLD.charge_cents, OLD.cogs_cents, OLD.provider_cost_cents, OLD.successful, OLD.sentiment)
        IS DISTINCT FROM
        (NEW.occurred_at, NEW.agent_id, NEW.is_billable, NEW.billed_minutes, NEW.duration_ms,
         NEW.charge_cents, NEW.cogs_cents, NEW.provider_cost_cents, NEW.successful, NEW.sentiment))
  EXECUTE FUNCTION app.calls_rollup();

REVOKE ALL ON FUNCTION app.calls_set_rates(), app.call_rollup_add(calls, integer),
  app.calls_rollup() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.calls_set_rates(), app.call_rollup_add(calls, integer),
  app.calls_rollup() TO callboard_app, callboard_platform;

-- Calls that existed before this migration.
INSERT INTO call_rollups (organization_id, hour, agent_id, is_billable, slot, calls,
    billed_minutes, duration_ms, timed_calls, charge_cents, cogs_cents, reported_cost_calls,
    successful, evaluated, positive, neutral, negative)
SELECT organization_id, date_trunc('hour', occurred_at, 'UTC'), agent_id, is_billable,
       (hashtext(id::text) & 3)::smallint, count(*), sum(billed_minutes),
       sum(coalesce(duration_ms, 0)), count(duration_ms), sum(charge_cents), sum(cogs_cents),
       count(provider_cost_cents), count(*) FILTER (WHERE successful), count(successful),
       count(*) FILTER (WHERE sentiment = 'Positive'), count(*) FILTER (WHERE sentiment = 'Neutral'),
       count(*) FILTER (WHERE sentiment = 'Negative')
  FROM calls
 GROUP BY 1, 2, 3, 4, 5;
