-- One rollup row per hour, agent and billable flag once the hour is past.
--
-- The four `slot`s exist only so that concurrent ingestion transactions in
-- the current hour rarely wait for each other's row lock. Once an hour is a
-- few hours old nobody writes to it concurrently, yet its four rows stay and
-- every dashboard range that covers it reads all four. Two changes:
--
-- * A call more than two hours old (a late analysis, an admin's billable
--   override, a back-filled call) is added to slot 0 only. Readers sum over
--   slots, and a call's removal (-1) need not hit the slot its addition did,
--   so which slot a change lands in never changes a figure.
-- * The server folds the slots of past hours into slot 0
--   (`db::rollups::fold`, from its housekeeping), deleting the others.
--   The platform role needs DELETE for that.
CREATE OR REPLACE FUNCTION app.call_rollup_add(r calls, sign integer) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO call_rollups AS c (
    organization_id, hour, agent_id, is_billable, slot, calls, billed_minutes, duration_ms,
    timed_calls, charge_cents, cogs_cents, reported_cost_calls, successful, evaluated,
    positive, neutral, negative)
  VALUES (
    r.organization_id, date_trunc('hour', r.occurred_at, 'UTC'), r.agent_id, r.is_billable,
    CASE WHEN r.occurred_at >= now() - interval '2 hours'
         THEN (hashtext(r.id::text) & 3)::smallint ELSE 0::smallint END,
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
    negative = c.negative + EXCLUDED.negative;
END $$;

GRANT DELETE ON call_rollups TO callboard_platform;
