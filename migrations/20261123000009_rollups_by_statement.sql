-- Ingestion adds its calls to the rollups once per statement, not once per row.
--
-- The row trigger ran one nested INSERT … ON CONFLICT per call written, and
-- setting up that statement (executor start, the ON CONFLICT projection) was
-- ~11 % of the machine under the ingestion benchmark (BENCHMARKS.md, issue
-- 3). Now one function applies any set of changes: the old rows are taken
-- away and the new ones added, grouped by rollup row, in key order (so
-- concurrent transactions meet the rows in the same order), and a group
-- whose sums are all zero (a merge that changed nothing counted) writes
-- nothing.
--
-- Ingestion's own statements call it with every call they wrote
-- (`db::calls`) and tell the row triggers to stand aside with the
-- transaction-local setting `app.rollups = 'by_statement'`
-- (`db::tx::ingestion`). Every other writer — an admin's override, a rate
-- change, an agent or organization deleted — keeps the row triggers, which
-- now call the same function for their one row: one definition of what a
-- call adds to its rollup.
CREATE FUNCTION app.call_rollups_change(olds calls[], news calls[]) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO call_rollups AS c (
    organization_id, hour, agent_id, is_billable, slot, calls, billed_minutes, duration_ms,
    timed_calls, charge_cents, cogs_cents, reported_cost_calls, successful, evaluated,
    positive, neutral, negative)
  SELECT * FROM (
    SELECT r.organization_id, date_trunc('hour', r.occurred_at, 'UTC') AS hour, r.agent_id,
           r.is_billable,
           CASE WHEN r.occurred_at >= now() - interval '2 hours'
                THEN (hashtext(r.id::text) & 3)::smallint ELSE 0::smallint END AS slot,
           sum(r.sign) AS calls, sum(r.sign * r.billed_minutes) AS billed_minutes,
           sum(r.sign * coalesce(r.duration_ms, 0)) AS duration_ms,
           sum(r.sign * (r.duration_ms IS NOT NULL)::int) AS timed_calls,
           sum(r.sign * r.charge_cents) AS charge_cents, sum(r.sign * r.cogs_cents) AS cogs_cents,
           sum(r.sign * (r.provider_cost_cents IS NOT NULL)::int) AS reported_cost_calls,
           sum(r.sign * (r.successful IS TRUE)::int) AS successful,
           sum(r.sign * (r.successful IS NOT NULL)::int) AS evaluated,
           sum(r.sign * (r.sentiment IS NOT DISTINCT FROM 'Positive')::int) AS positive,
           sum(r.sign * (r.sentiment IS NOT DISTINCT FROM 'Neutral')::int) AS neutral,
           sum(r.sign * (r.sentiment IS NOT DISTINCT FROM 'Negative')::int) AS negative
      FROM (SELECT o.*, -1 AS sign FROM unnest(olds) o
            UNION ALL
            SELECT n.*, 1 AS sign FROM unnest(news) n) r
     GROUP BY 1, 2, 3, 4, 5
  ) d
  WHERE (d.calls, d.billed_minutes, d.duration_ms, d.timed_calls, d.charge_cents, d.cogs_cents,
         d.reported_cost_calls, d.successful, d.evaluated, d.positive, d.neutral, d.negative)
        IS DISTINCT FROM (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
  ORDER BY 1, 2, 3, 4, 5
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
    negative = c.negative + EXCLUDED.negative;
END $$;

CREATE OR REPLACE FUNCTION app.calls_rollup() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM app.call_rollups_change(
    CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN ARRAY[OLD] END,
    CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN ARRAY[NEW] END);
  RETURN NULL;
END $$;

DROP FUNCTION app.call_rollup_add(calls, integer);

DROP TRIGGER calls_rollup_insert_delete ON calls;
CREATE TRIGGER calls_rollup_insert_delete AFTER INSERT OR DELETE ON calls
  FOR EACH ROW
  WHEN (current_setting('app.rollups', true) IS DISTINCT FROM 'by_statement')
  EXECUTE FUNCTION app.calls_rollup();
DROP TRIGGER calls_rollup_update ON calls;
CREATE TRIGGER calls_rollup_update AFTER UPDATE ON calls
  FOR EACH ROW
  WHEN (current_setting('app.rollups', true) IS DISTINCT FROM 'by_statement'
        AND (OLD.occurred_at, OLD.agent_id, OLD.is_billable, OLD.billed_minutes, OLD.duration_ms,
             OLD.charge_cents, OLD.cogs_cents, OLD.provider_cost_cents, OLD.successful,
             OLD.sentiment)
            IS DISTINCT FROM
            (NEW.occurred_at, NEW.agent_id, NEW.is_billable, NEW.billed_minutes, NEW.duration_ms,
             NEW.charge_cents, NEW.cogs_cents, NEW.provider_cost_cents, NEW.successful,
             NEW.sentiment))
  EXECUTE FUNCTION app.calls_rollup();

REVOKE ALL ON FUNCTION app.call_rollups_change(calls[], calls[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.call_rollups_change(calls[], calls[])
  TO callboard_app, callboard_platform;
