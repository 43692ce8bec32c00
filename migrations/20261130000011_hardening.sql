-- Hardening from the outside review (issue 16).

-- 1. A password set ends every session opened before it: each set moves the
--    user to a new session epoch, sessions remember the epoch they were
--    signed in under, and the guards compare the two (a counter, so no clock
--    between the server and the database can disagree about it).
ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;
GRANT SELECT (session_epoch) ON users TO callboard_app;

-- 2. The rollup row triggers stand aside only in the very transaction that
--    ingestion opened: the setting must name the transaction's own id, so a
--    session-level SET, or a value left by an earlier transaction on a pooled
--    connection, switches nothing off.
CREATE FUNCTION app.rollups_by_statement() RETURNS boolean
  LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('app.rollups', true), '')
          = 'by_statement:' || pg_current_xact_id()::text $$;
REVOKE ALL ON FUNCTION app.rollups_by_statement() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.rollups_by_statement() TO callboard_app, callboard_platform;

DROP TRIGGER calls_rollup_insert_delete ON calls;
CREATE TRIGGER calls_rollup_insert_delete AFTER INSERT OR DELETE ON calls
  FOR EACH ROW
  WHEN (NOT app.rollups_by_statement())
  EXECUTE FUNCTION app.calls_rollup();
DROP TRIGGER calls_rollup_update ON calls;
CREATE TRIGGER calls_rollup_update AFTER UPDATE ON calls
  FOR EACH ROW
  WHEN (NOT app.rollups_by_statement()
        AND (OLD.occurred_at, OLD.agent_id, OLD.is_billable, OLD.billed_minutes, OLD.duration_ms,
             OLD.charge_cents, OLD.cogs_cents, OLD.provider_cost_cents, OLD.successful,
             OLD.sentiment)
            IS DISTINCT FROM
            (NEW.occurred_at, NEW.agent_id, NEW.is_billable, NEW.billed_minutes, NEW.duration_ms,
             NEW.charge_cents, NEW.cogs_cents, NEW.provider_cost_cents, NEW.successful,
             NEW.sentiment))
  EXECUTE FUNCTION app.calls_rollup();

-- 3. Procedural functions (the triggers and what they call) run with a fixed
--    search_path, whoever's path is in force when they fire. The one-line SQL
--    helpers of the policies (app.current_org() …) stay without one, so the
--    planner can still inline them.
DO $$
DECLARE f regprocedure;
BEGIN
  FOR f IN
    SELECT p.oid::regprocedure
      FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace
      JOIN pg_language l ON l.oid = p.prolang
     WHERE n.nspname = 'app' AND l.lanname = 'plpgsql'
  LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public', f);
  END LOOP;
END $$;
