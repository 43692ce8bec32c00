-- Reading the rollups without touching the table. Rollup rows are updated
-- in place as calls arrive, so a month of one organization's rows ends up
-- spread over thousands of heap pages (measured: 11,838 rows in 6,854
-- pages, 29 ms). This index carries every column the dashboard and console
-- read, so they are answered by an index-only scan of a few hundred pages
-- (11 ms). The price is that rollup updates are no longer HOT updates
-- (BENCHMARKS.md has both figures).
CREATE INDEX call_rollups_read_idx ON call_rollups (organization_id, hour)
  INCLUDE (agent_id, is_billable, calls, billed_minutes, duration_ms, timed_calls, charge_cents,
           cogs_cents, reported_cost_calls, successful, evaluated, positive, neutral, negative);
