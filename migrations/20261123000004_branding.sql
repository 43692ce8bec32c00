-- White label: each organization's name, colours, logo and favicon, shown on
-- its own host before and after sign-in.

ALTER TABLE organizations
  ADD COLUMN brand_name      text CHECK (length(btrim(brand_name)) BETWEEN 1 AND 120),
  ADD COLUMN primary_color   text NOT NULL DEFAULT '#2f5bea' CHECK (primary_color ~ '^#[0-9a-f]{6}$'),
  ADD COLUMN secondary_color text NOT NULL DEFAULT '#0f766e' CHECK (secondary_color ~ '^#[0-9a-f]{6}$');

------------------------------------------------------------------------------
-- org_assets: uploaded logo and favicon, validated by the server before they
-- get here (type by content, size, SVG without scripts). Served from our own
-- route with the stored type and the digest as ETag.
CREATE TABLE org_assets (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('logo', 'favicon')),
  content_type    text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/svg+xml')),
  bytes           bytea NOT NULL CHECK (length(bytes) BETWEEN 1 AND 1048576),
  sha256          text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, kind)
);

ALTER TABLE org_assets ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_assets FORCE ROW LEVEL SECURITY;
CREATE POLICY org_assets_tenant ON org_assets TO callboard_app
  USING (organization_id = app.current_org())
  WITH CHECK (organization_id = app.current_org());
CREATE POLICY org_assets_platform ON org_assets TO callboard_platform USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON org_assets TO callboard_app, callboard_platform;
