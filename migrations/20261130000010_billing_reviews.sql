-- Billing review requests. Only the agency (super admins) overrides whether a
-- call is billed; an organization's admin who thinks a call is wrongly billed
-- asks for a review, which the console lists until the agency decides.
-- At most one open request per call.
CREATE TABLE billing_reviews (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  call_id         uuid NOT NULL,
  requested_by    text NOT NULL CHECK (length(requested_by) <= 254),
  note            text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
  created_at      timestamptz NOT NULL DEFAULT now(),
  resolved_at     timestamptz,
  resolution      text CHECK (resolution IN ('billable', 'test', 'default', 'dismissed')),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, call_id) REFERENCES calls (organization_id, id) ON DELETE CASCADE,
  CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);
CREATE UNIQUE INDEX billing_reviews_open_key ON billing_reviews (organization_id, call_id)
  WHERE resolved_at IS NULL;

-- Read and written only in the organization's own tenant transaction (the
-- console names the organization), so no platform policy.
ALTER TABLE billing_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE billing_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY billing_reviews_tenant ON billing_reviews TO callboard_app
  USING (organization_id = app.current_org())
  WITH CHECK (organization_id = app.current_org());
GRANT SELECT, INSERT, UPDATE ON billing_reviews TO callboard_app;
