-- Foundation: organizations, users, memberships, audit log, sessions, and the
-- row-level security that keeps every organization's data to itself.
--
-- Roles (created outside migrations, because roles are cluster-wide; see README):
--   callboard_owner    owns every object here and runs these migrations
--   callboard_app      the server's login role: NOSUPERUSER NOBYPASSRLS NOINHERIT, owns nothing
--   callboard_platform NOLOGIN; the app role may `SET LOCAL ROLE` to it, and only
--                      src/db/tx.rs does so, for super-admin work and system lookups.
-- callboard_app is NOINHERIT, so the `TO callboard_platform` policies below never
-- apply to it unless that explicit SET ROLE happened inside the current transaction.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'callboard_app') THEN
    RAISE EXCEPTION 'role callboard_app does not exist; create the roles first (README: Database roles)';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'callboard_platform') THEN
    RAISE EXCEPTION 'role callboard_platform does not exist; create the roles first (README: Database roles)';
  END IF;
END $$;

CREATE SCHEMA app;
REVOKE ALL ON SCHEMA app FROM PUBLIC;
GRANT USAGE ON SCHEMA app TO callboard_app, callboard_platform;
GRANT USAGE ON SCHEMA public TO callboard_app, callboard_platform;

-- Fail closed: an unset or empty setting is NULL, and `organization_id = NULL` is never true.
-- A malformed value raises an error instead of matching anything.
CREATE FUNCTION app.current_org() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.org_id', true), '')::uuid $$;

CREATE FUNCTION app.current_user_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;

CREATE FUNCTION app.current_impersonator() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.impersonator_id', true), '')::uuid $$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA app TO callboard_app, callboard_platform;

-- A DNS label: what a slug and a subdomain must look like.
CREATE DOMAIN dns_label AS text
  CHECK (VALUE ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$');

------------------------------------------------------------------------------
-- organizations: platform-managed; an org's own users may read their own row.
CREATE TABLE organizations (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
  slug          dns_label NOT NULL,
  subdomain     dns_label NOT NULL,
  custom_domain text CHECK (custom_domain = lower(custom_domain)),
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT organizations_slug_key UNIQUE (slug),
  CONSTRAINT organizations_subdomain_key UNIQUE (subdomain),
  CONSTRAINT organizations_custom_domain_key UNIQUE (custom_domain)
);

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY organizations_own ON organizations FOR SELECT TO callboard_app
  USING (id = app.current_org());
CREATE POLICY organizations_platform ON organizations TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT ON organizations TO callboard_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON organizations TO callboard_platform;

------------------------------------------------------------------------------
-- users: global identities. The app role can read a user only if it is the
-- signed-in user or a member of the current organization, and can never read
-- password hashes (column grant below); only the platform path can.
CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email          text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  password_hash  text NOT NULL,
  is_super_admin boolean NOT NULL DEFAULT false,
  disabled_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_email_key UNIQUE (email)
);

------------------------------------------------------------------------------
-- memberships: user x organization x role. A tenant table.
CREATE TABLE memberships (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role            text NOT NULL CHECK (role IN ('admin', 'viewer')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY memberships_tenant ON memberships TO callboard_app
  USING (organization_id = app.current_org())
  WITH CHECK (organization_id = app.current_org());
CREATE POLICY memberships_platform ON memberships TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO callboard_app, callboard_platform;

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_visible ON users FOR SELECT TO callboard_app
  USING (
    id = app.current_user_id()
    OR EXISTS (SELECT 1 FROM memberships m
               WHERE m.user_id = users.id AND m.organization_id = app.current_org())
  );
CREATE POLICY users_platform ON users TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT (id, email, is_super_admin, disabled_at, created_at, updated_at) ON users TO callboard_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON users TO callboard_platform;

------------------------------------------------------------------------------
-- audit_log: append-only for every role the server uses (no UPDATE/DELETE grant).
-- organization_id is NULL for platform-level events, which only the platform
-- path can see. There is deliberately no foreign key to organizations: the
-- history of a deleted organization stays.
CREATE TABLE audit_log (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id      uuid,
  actor_user_id        uuid DEFAULT app.current_user_id(),
  actor_label          text NOT NULL,
  impersonator_user_id uuid DEFAULT app.current_impersonator(),
  action               text NOT NULL,
  target               text,
  metadata             jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip                   inet,
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_org_time_idx ON audit_log (organization_id, created_at DESC);
CREATE INDEX audit_log_time_idx ON audit_log (created_at DESC);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_tenant_read ON audit_log FOR SELECT TO callboard_app
  USING (organization_id = app.current_org());
CREATE POLICY audit_log_tenant_write ON audit_log FOR INSERT TO callboard_app
  WITH CHECK (organization_id = app.current_org());
CREATE POLICY audit_log_platform_read ON audit_log FOR SELECT TO callboard_platform
  USING (true);
CREATE POLICY audit_log_platform_write ON audit_log FOR INSERT TO callboard_platform
  WITH CHECK (true);
GRANT SELECT, INSERT ON audit_log TO callboard_app, callboard_platform;

------------------------------------------------------------------------------
-- Sessions, in the layout tower-sessions-sqlx-store expects. Created here so
-- the app role never needs CREATE rights.
CREATE SCHEMA tower_sessions;
REVOKE ALL ON SCHEMA tower_sessions FROM PUBLIC;
GRANT USAGE ON SCHEMA tower_sessions TO callboard_app;
CREATE TABLE tower_sessions.session (
  id          text PRIMARY KEY NOT NULL,
  data        bytea NOT NULL,
  expiry_date timestamptz NOT NULL
);
CREATE INDEX session_expiry_idx ON tower_sessions.session (expiry_date);
GRANT SELECT, INSERT, UPDATE, DELETE ON tower_sessions.session TO callboard_app;

-- The server checks at start-up that the schema is up to date.
GRANT SELECT ON _sqlx_migrations TO callboard_app;
