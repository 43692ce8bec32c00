-- Call ingestion: encrypted credentials, agents with their own webhook URLs,
-- raw webhook events, merged call records, and per-agent webhook counters.
-- Every table is a tenant table: organization_id leads every key, RLS forced.

------------------------------------------------------------------------------
-- credentials: third-party secrets, AES-256-GCM encrypted by the server.
-- The database never sees plaintext; `last4` is what the UI may show.
CREATE TABLE credentials (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('voice_api_key')),
  key_id          text NOT NULL,           -- which encryption key sealed it (see src/crypto)
  nonce           bytea NOT NULL CHECK (length(nonce) = 12),
  ciphertext      bytea NOT NULL,
  last4           text NOT NULL CHECK (length(last4) <= 4),
  -- The last "Test connection": when, whether it worked, and what we told the user.
  checked_at      timestamptz,
  check_ok        boolean,
  check_message   text,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, kind)
);

------------------------------------------------------------------------------
-- agents: one row per voice agent registered for an organization. `id` is the
-- secret-ish path segment of the agent's webhook URL.
CREATE TABLE agents (
  organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  provider_agent_id text NOT NULL CHECK (length(provider_agent_id) BETWEEN 1 AND 200),
  name             text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
  status           text NOT NULL DEFAULT 'pending_validation'
                   CHECK (status IN ('pending_validation', 'active', 'inactive', 'error')),
  status_message   text,
  -- Signature failures since the last accepted event; enough of them is `error`.
  failed_streak    integer NOT NULL DEFAULT 0,
  last_webhook_at  timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT agents_id_key UNIQUE (id),
  CONSTRAINT agents_provider_agent_key UNIQUE (organization_id, provider_agent_id)
);

------------------------------------------------------------------------------
-- webhook_events: every accepted (correctly signed) request body, byte for
-- byte, including malformed JSON kept for diagnosis. Identical bodies (retries)
-- are stored once.
CREATE TABLE webhook_events (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  agent_id        uuid,
  body_sha256     bytea NOT NULL,
  body            bytea NOT NULL,
  event           text,                    -- NULL when the body is not valid JSON
  provider_call_id text,
  outcome         text NOT NULL CHECK (outcome IN ('merged', 'stored', 'malformed')),
  received_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT webhook_events_body_key UNIQUE (organization_id, body_sha256),
  FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id)
    ON DELETE SET NULL (agent_id)
);
CREATE INDEX webhook_events_call_idx ON webhook_events (organization_id, provider_call_id);
CREATE INDEX webhook_events_agent_idx ON webhook_events (organization_id, agent_id, received_at);

------------------------------------------------------------------------------
-- calls: one merged record per provider call. `merge_ranks` remembers, per
-- field, the rank of the event that supplied it, so merging is a join on a
-- semilattice: any order and any repetition give the same row (src/domain/call_merge.rs).
CREATE TABLE calls (
  organization_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id                   uuid NOT NULL DEFAULT gen_random_uuid(),
  provider_call_id     text NOT NULL,
  agent_id             uuid,
  provider_agent_id    text,
  call_type            text NOT NULL,
  direction            text,
  from_number          text,
  to_number            text,
  call_status          text,
  started_at           timestamptz,
  ended_at             timestamptz,
  reported_duration_ms bigint,               -- as the provider reported it
  duration_ms          bigint CHECK (duration_ms >= 0), -- reported, else end - start
  disconnection_reason text,
  transcript           text,
  transcript_turns     jsonb,
  summary              text,
  sentiment            text,
  successful           boolean,
  in_voicemail         boolean,
  recording_url        text,
  provider_cost_cents  numeric,            -- exactly as reported, in cents
  metadata             jsonb,
  dynamic_variables    jsonb,
  custom_analysis      jsonb,
  merge_ranks          jsonb NOT NULL DEFAULT '{}',
  events_seen          text[] NOT NULL DEFAULT '{}',
  billable_override    boolean,
  -- Web calls are tests; phone calls are billable unless an admin overrode it.
  is_billable          boolean GENERATED ALWAYS AS
                         (coalesce(billable_override, call_type = 'phone_call')) STORED,
  -- Whole minutes, rounded up per call (0 ms is 0 minutes).
  billed_minutes       integer GENERATED ALWAYS AS
                         (((coalesce(duration_ms, 0) + 59999) / 60000)::integer) STORED,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT calls_provider_call_key UNIQUE (organization_id, provider_call_id),
  FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id)
    ON DELETE SET NULL (agent_id)
);
CREATE INDEX calls_org_started_idx ON calls (organization_id, started_at DESC, id DESC);
CREATE INDEX calls_org_agent_idx ON calls (organization_id, agent_id);

------------------------------------------------------------------------------
-- webhook_counters: per agent per hour, what stores no event: rejections (by
-- reason) and duplicate deliveries. Accepted events are counted from
-- webhook_events itself; failures (database down) only in /metrics.
CREATE TABLE webhook_counters (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  agent_id        uuid NOT NULL,
  hour            timestamptz NOT NULL,
  outcome         text NOT NULL,
  count           bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (organization_id, agent_id, hour, outcome),
  FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE
);

------------------------------------------------------------------------------
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['credentials', 'agents', 'webhook_events', 'calls', 'webhook_counters'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I TO callboard_app
                      USING (organization_id = app.current_org())
                      WITH CHECK (organization_id = app.current_org())', t || '_tenant', t);
    EXECUTE format('CREATE POLICY %I ON %I TO callboard_platform USING (true) WITH CHECK (true)',
                   t || '_platform', t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON credentials, agents, calls, webhook_counters
  TO callboard_app, callboard_platform;
-- Raw events are evidence: the app may add and read them, never change them.
GRANT SELECT, INSERT ON webhook_events TO callboard_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_events TO callboard_platform;
