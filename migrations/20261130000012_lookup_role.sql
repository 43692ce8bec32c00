-- The platform role, split (issue 16).
--
-- Before: every platform path ran as callboard_platform, which may do
-- anything to any row (password hashes included), and that covered the paths
-- nobody is signed in on. Now:
--   callboard_lookup   NOLOGIN, read-only: the unauthenticated paths (host
--                      lookup and brand assets, the webhook's agent lookup,
--                      the inbound number lookup, sign-in). It sees only the
--                      columns those lookups read, writes nothing, and reaches
--                      a password hash only through app.sign_in_credentials().
--   callboard_platform the super admin's console and the operator's commands;
--                      it no longer reads password hashes (it may still set
--                      them).
-- Like callboard_platform, the lookup role is created outside migrations
-- (roles are cluster-wide; README: Database roles), and the app role switches
-- to it only with SET LOCAL ROLE in src/db/tx.rs.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'callboard_lookup') THEN
    RAISE EXCEPTION 'role callboard_lookup does not exist; create the roles first (README: Database roles)';
  END IF;
END $$;

GRANT USAGE ON SCHEMA app, public TO callboard_lookup;

-- Host lookup (branding on every page) and brand assets.
GRANT SELECT (id, name, slug, subdomain, custom_domain, status, brand_name, primary_color,
              secondary_color)
  ON organizations TO callboard_lookup;
CREATE POLICY organizations_lookup ON organizations FOR SELECT TO callboard_lookup USING (true);
GRANT SELECT (organization_id, kind, content_type, bytes, sha256) ON org_assets TO callboard_lookup;
CREATE POLICY org_assets_lookup ON org_assets FOR SELECT TO callboard_lookup USING (true);

-- Which organization owns an agent (call events) or a number (inbound calls),
-- and its sealed key to check the signature with.
GRANT SELECT (id, organization_id, status) ON agents TO callboard_lookup;
CREATE POLICY agents_lookup ON agents FOR SELECT TO callboard_lookup USING (true);
GRANT SELECT (id, organization_id, number, status) ON phone_numbers TO callboard_lookup;
CREATE POLICY phone_numbers_lookup ON phone_numbers FOR SELECT TO callboard_lookup USING (true);
GRANT SELECT (organization_id, kind, key_id, nonce, ciphertext) ON credentials TO callboard_lookup;
CREATE POLICY credentials_lookup ON credentials FOR SELECT TO callboard_lookup USING (true);

-- Sign-in: the member's role on the host's organization.
GRANT SELECT (organization_id, user_id, role) ON memberships TO callboard_lookup;
CREATE POLICY memberships_lookup ON memberships FOR SELECT TO callboard_lookup USING (true);

-- Sign-in's one query for a password hash. The function runs as the owner
-- (this migration's role), which FORCE ROW LEVEL SECURITY on users subjects
-- to policies too: it gets one for reading, used by nothing else.
DO $$
BEGIN
  EXECUTE format('CREATE POLICY users_definer ON users FOR SELECT TO %I USING (true)', current_user);
  EXECUTE format('CREATE POLICY audit_log_definer ON audit_log FOR INSERT TO %I
                    WITH CHECK (action IN (''auth.sign_in'', ''auth.sign_in_failed'', ''auth.sign_out''))',
                 current_user);
END $$;

CREATE FUNCTION app.sign_in_credentials(p_email text)
  RETURNS TABLE (id uuid, password_hash text, disabled boolean, is_super_admin boolean,
                 session_epoch integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS
$$ SELECT u.id, u.password_hash, u.disabled_at IS NOT NULL, u.is_super_admin, u.session_epoch
     FROM public.users u WHERE u.email = p_email $$;
REVOKE ALL ON FUNCTION app.sign_in_credentials(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.sign_in_credentials(text) TO callboard_lookup;

-- Sign-in and sign-out outcomes in the audit log (the only writes of the
-- unauthenticated path), whichever organization or none.
CREATE FUNCTION app.record_auth(p_org uuid, p_user uuid, p_label text, p_action text,
                                p_target text, p_metadata jsonb, p_ip inet)
  RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS
$$
BEGIN
  IF p_action NOT IN ('auth.sign_in', 'auth.sign_in_failed', 'auth.sign_out') THEN
    RAISE EXCEPTION 'app.record_auth records sign-in and sign-out only, not %', p_action;
  END IF;
  INSERT INTO public.audit_log (organization_id, actor_user_id, actor_label, action, target,
                                metadata, ip)
  VALUES (p_org, p_user, left(p_label, 254), p_action, left(p_target, 254), p_metadata, p_ip);
END
$$;
REVOKE ALL ON FUNCTION app.record_auth(uuid, uuid, text, text, text, jsonb, inet) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.record_auth(uuid, uuid, text, text, text, jsonb, inet)
  TO callboard_lookup, callboard_app;

-- The console no longer reads password hashes (it still sets them).
REVOKE SELECT ON users FROM callboard_platform;
GRANT SELECT (id, email, is_super_admin, disabled_at, created_at, updated_at, session_epoch)
  ON users TO callboard_platform;
