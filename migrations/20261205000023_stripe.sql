-- Invoices in Stripe for closed statements (issue 22). Optional: without a
-- key nothing is written here and statements say "not invoiced".

-- The Stripe customer each organization is billed as (the agency's).
CREATE TABLE stripe_customers (
  organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  customer_id     text NOT NULL UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- A statement's invoice: `pending` until every call to Stripe succeeded
-- (retried with the same idempotency keys), then `open`; Stripe's webhook
-- moves it to `paid`, `failed` or `void`.
CREATE TABLE statement_invoices (
  statement_id    uuid PRIMARY KEY REFERENCES statements (id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  invoice_id      text UNIQUE,
  status          text NOT NULL CHECK (status IN ('pending', 'open', 'paid', 'failed', 'void')),
  last_error      text,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX statement_invoices_by_org ON statement_invoices (organization_id, status);

-- Stripe's webhook events, once each (Stripe may send one again).
CREATE TABLE stripe_events (
  id          text PRIMARY KEY,
  type        text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  payload     jsonb NOT NULL
);

ALTER TABLE stripe_customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE stripe_customers FORCE ROW LEVEL SECURITY;
CREATE POLICY stripe_customers_platform ON stripe_customers TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON stripe_customers TO callboard_platform;

ALTER TABLE statement_invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE statement_invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY statement_invoices_tenant ON statement_invoices FOR SELECT TO callboard_app
  USING (organization_id = app.current_org());
CREATE POLICY statement_invoices_platform ON statement_invoices TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT ON statement_invoices TO callboard_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON statement_invoices TO callboard_platform;

ALTER TABLE stripe_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE stripe_events FORCE ROW LEVEL SECURITY;
CREATE POLICY stripe_events_platform ON stripe_events TO callboard_platform
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON stripe_events TO callboard_platform;
