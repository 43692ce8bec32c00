-- Synthetic calls for benchmarks (scripts/bench-dashboard). Run as the app
-- role with psql variables `org` (uuid) and `n` (how many), inside the
-- organization's tenant context, so row-level security and the rollup
-- triggers do exactly what ingestion does. Calls spread over the year up to
-- now: 95 % phone calls (80 % inbound), 5 % web tests, 15 s to 8 min, a mix
-- of sentiments and outcomes, a short transcript each, agents in turn.
BEGIN;
SET LOCAL app.org_id = :'org';
INSERT INTO calls (organization_id, provider_call_id, agent_id, call_type, direction,
                   from_number, to_number, call_status, started_at, ended_at, duration_ms,
                   disconnection_reason, summary, sentiment, successful, transcript_turns,
                   events_seen)
SELECT :'org'::uuid,
       'call_bench_' || g,
       agents.ids[1 + g % array_length(agents.ids, 1)],
       CASE WHEN g % 20 = 0 THEN 'web_call' ELSE 'phone_call' END,
       CASE WHEN g % 20 = 0 THEN NULL WHEN g % 5 = 0 THEN 'outbound' ELSE 'inbound' END,
       CASE WHEN g % 20 = 0 THEN NULL ELSE '+1555' || lpad((g::bigint * 7919 % 10000000)::text, 7, '0') END,
       CASE WHEN g % 20 = 0 THEN NULL ELSE '+15555550199' END,
       'ended',
       t.start,
       t.start + make_interval(secs => t.ms / 1000.0),
       t.ms,
       (ARRAY['user_hangup', 'agent_hangup', 'call_transfer', 'voicemail_reached'])[1 + g % 4],
       'The caller asked about opening hours and booked a visit.',
       (ARRAY['Positive', 'Positive', 'Neutral', 'Negative', 'Unknown'])[1 + g % 5],
       g % 7 <> 0,
       '[{"role":"agent","content":"Thanks for calling, how can I help?"},
         {"role":"user","content":"I would like to book a visit for Thursday."},
         {"role":"agent","content":"Thursday at ten is free. Shall I book it?"},
         {"role":"user","content":"Yes please, thank you."}]'::jsonb,
       ARRAY['call_started', 'call_ended', 'call_analyzed']
  FROM generate_series(1, :n) AS g
 CROSS JOIN LATERAL (
   -- `g * 0` makes the subquery depend on the row, so it is drawn per call.
   SELECT now() - make_interval(secs => random() * 365 * 86400 + g * 0) AS start,
          (15000 + floor(random() * 465000) + g * 0)::bigint AS ms
 ) t
 CROSS JOIN (SELECT array_agg(id ORDER BY name) AS ids FROM agents
             WHERE organization_id = :'org'::uuid) agents;
COMMIT;
