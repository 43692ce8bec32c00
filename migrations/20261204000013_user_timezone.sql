-- The timezone a super admin reads the console's times in (issue 18). NULL:
-- UTC. Organization users read their organization's timezone instead
-- (agent_settings.timezone). Only the platform path reads or writes it.
ALTER TABLE users ADD COLUMN timezone text
  CHECK (timezone IS NULL OR (length(timezone) BETWEEN 1 AND 64));
-- The platform role reads users column by column (migration 12).
GRANT SELECT (timezone) ON users TO callboard_platform;
