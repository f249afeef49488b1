-- The producer's own id for an event (`sourceId` in the API, `source_event_id`
-- here) is shown on the event and found with GET /v1/events?sourceId=…
-- (with or without source=…). It is the CloudEvents `id`; for a plain event its
-- `id`, else its Idempotency-Key, which until now lived only in
-- idempotency_keys and went with it when it expired.

-- Plain events stored with a key before now: copy the key from the rows still
-- held (at most IDEMPOTENCY_TTL_HOURS of them), without the API key's id and
-- the `key:` kind it is stored under. `ce:` keys are source + id, which their
-- events already carry.
UPDATE "events" e
SET "source_event_id" = regexp_replace(k."key", '^([0-9a-f-]{36}/)?key:', '')
FROM "idempotency_keys" k
WHERE k."event_id" = e."id"
  AND e."source_event_id" IS NULL
  AND k."key" ~ '^([0-9a-f-]{36}/)?key:';

-- Equality on the id alone: a source added to the key would make entries up to
-- 1024 characters longer, and one id rarely belongs to many events, so
-- `source = …` is checked on those few rows. Partial: events without a
-- producer id (emitted by handlers, fired by schedules, plain events without
-- id or key) add nothing to it.
CREATE INDEX "events_source_event_id_idx" ON "events"("source_event_id") WHERE "source_event_id" IS NOT NULL;
