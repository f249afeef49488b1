-- Switchyard's tables, all in the `switchyard` schema, so they can sit in a
-- team's own database beside the team's tables (as graphile-worker keeps its
-- own in `graphile_worker`). Every statement names the schema: nothing here
-- depends on the search_path the migration runs with (ours leaves it alone;
-- `prisma migrate deploy` with ?schema=switchyard sets it to switchyard).
-- Queries name the schema too, so nothing sets a search_path per session,
-- which a transaction-mode PgBouncer would not keep.
CREATE SCHEMA IF NOT EXISTS "switchyard";

-- Which Switchyard installation this database belongs to: one row with a
-- random id. A worker reads it through its handlers' transactions adapter and
-- through its own pool: the same id means the handlers write to Switchyard's
-- database, so an event emitted inside ctx.once() commits with their effects.
-- IF NOT EXISTS here and for processed_keys: a database that first had only
-- the guard's tables (prisma/guard-migrations) may later take the whole set.
CREATE TABLE IF NOT EXISTS "switchyard"."installation" (
    -- Always true: the primary key allows one row.
    "singleton" BOOLEAN NOT NULL DEFAULT true,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "installation_pkey" PRIMARY KEY ("singleton"),
    CONSTRAINT "installation_singleton_check" CHECK ("singleton")
);
INSERT INTO "switchyard"."installation" DEFAULT VALUES ON CONFLICT DO NOTHING;

-- The idempotency guard: a handler's effects for a key were committed, in the
-- same transaction as this row (ctx.once()).
CREATE TABLE IF NOT EXISTS "switchyard"."processed_keys" (
    "handler" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_keys_pkey" PRIMARY KEY ("handler","key")
);

-- Events -------------------------------------------------------------------

CREATE TABLE "switchyard"."events" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    -- The producer's own id for the event (`sourceId` in the API): the
    -- CloudEvents `id`; for a plain event its `id`, else its Idempotency-Key.
    "source_event_id" TEXT,
    "subject" TEXT,
    "format" TEXT NOT NULL,
    "data_content_type" TEXT,
    "data" JSONB NOT NULL,
    "extensions" JSONB,
    "time" TIMESTAMPTZ(3),
    "priority" INTEGER,
    "deliver_at" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- When REDACT_STORED is on, the configured paths are masked in data once
    -- the event's jobs are done with it (see StoredPayloadScrubber); NULL until then.
    "redacted_at" TIMESTAMPTZ(3),
    -- The root event's id, or the id a producer gave at ingest (correlationId /
    -- the CloudEvents `correlationid` extension). Text, not uuid: producers carry
    -- their own request or saga ids. Nullable so tools that insert events by
    -- hand stay valid; readers treat null as "the event's own id".
    "correlation_id" TEXT,
    -- The event whose handler emitted this one; null for events sent by producers.
    "causation_id" UUID,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "events_received_at_id_idx" ON "switchyard"."events"("received_at" DESC, "id" DESC);
CREATE INDEX "events_type_received_at_idx" ON "switchyard"."events"("type", "received_at" DESC);
CREATE INDEX "events_source_received_at_idx" ON "switchyard"."events"("source", "received_at" DESC);
-- Containment on data (data.user.id=usr_42).
CREATE INDEX "events_data_idx" ON "switchyard"."events" USING GIN ("data" jsonb_path_ops);
-- Most events have no subject: index only those that do.
CREATE INDEX "events_subject_received_at_idx" ON "switchyard"."events"("subject", "received_at" DESC) WHERE "subject" IS NOT NULL;
CREATE INDEX "events_correlation_id_received_at_idx" ON "switchyard"."events"("correlation_id", "received_at");
-- Equality on the id alone: a source added to the key would make entries up to
-- 1024 characters longer, and one id rarely belongs to many events, so
-- `source = …` is checked on those few rows. Partial: events without a
-- producer id (emitted by handlers, fired by schedules, plain events without
-- id or key) add nothing to it.
CREATE INDEX "events_source_event_id_idx" ON "switchyard"."events"("source_event_id") WHERE "source_event_id" IS NOT NULL;

-- Ingest idempotency: one row per key, kept at least IDEMPOTENCY_TTL_HOURS.
CREATE TABLE "switchyard"."idempotency_keys" (
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "response" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("key")
);
CREATE INDEX "idempotency_keys_expires_at_idx" ON "switchyard"."idempotency_keys"("expires_at");

-- Jobs and the outbox --------------------------------------------------------

CREATE TABLE "switchyard"."jobs" (
    "id" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "handler" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "priority" INTEGER,
    "deliver_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL,
    "backoff" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "attempts_made" INTEGER NOT NULL DEFAULT 0,
    "processed_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "failed_reason" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'fanout',
    "operation_id" UUID,
    "ordering_key" TEXT,
    "ordering_seq" BIGINT,
    -- A job waiting for an earlier job of its key: in the outbox, but the relay
    -- leaves it alone until the key reaches it.
    "held" BOOLEAN NOT NULL DEFAULT false,
    -- When the key reached a held job; the relay's grace period counts from here.
    "released_at" TIMESTAMPTZ(3),

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "jobs_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "switchyard"."events"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Redrives and replays add jobs for an (event, handler) pair, so it is not unique.
CREATE INDEX "jobs_event_id_handler_idx" ON "switchyard"."jobs"("event_id", "handler");
-- Finding a key's next job when its head finishes.
CREATE INDEX "jobs_ordering_idx" ON "switchyard"."jobs"("handler", "ordering_key", "ordering_seq") WHERE "ordering_key" IS NOT NULL;
-- The outbox the relay sweeps: unpublished and not held. Held jobs of a long
-- backlog would otherwise be walked over on every sweep. Prisma's schema
-- language has no partial indexes; these are kept here and Prisma leaves them alone.
CREATE INDEX "jobs_outbox_idx" ON "switchyard"."jobs"("created_at", "id") WHERE "published_at" IS NULL AND NOT "held";

-- Ordering per key (docs/handlers.md, "Ordering per key"): one row per
-- (handler, key). `last_seq` is the sequence number of the key's latest job;
-- `next_seq` the one allowed to run (the head). Ingest bumps `last_seq` in its
-- append statement, so the row lock orders concurrent appends for one key by
-- commit; a finished head bumps `next_seq`.
CREATE TABLE "switchyard"."ordering_keys" (
    "handler" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "last_seq" BIGINT NOT NULL,
    "next_seq" BIGINT NOT NULL DEFAULT 1,

    CONSTRAINT "ordering_keys_pkey" PRIMARY KEY ("handler", "key")
);

-- When a key's head finishes (completed, dead-lettered with `proceed`, its
-- dead letter discarded): move the key on and release its next job, returned
-- with its event for publishing. Two statements on purpose. The first locks
-- the keys' rows (in key order, as ingest does); under READ COMMITTED the
-- second then takes a fresh snapshot, so it sees every job an append
-- committed while we waited for the lock. In one statement the snapshot
-- would predate the wait, and a job that append held would never be released.
-- Only the head moves its key (the guard on next_seq): a job that finishes
-- twice (a stalled re-run, a redrive after the key moved on) moves nothing.
CREATE FUNCTION "switchyard"."switchyard_release_keys"(finished_job_ids text[])
RETURNS TABLE (id text, queue text, handler text, priority int, deliver_at timestamptz, attempts int, backoff jsonb,
               kind text, operation_id text, event_id text, type text, source text, subject text, "time" timestamptz,
               data jsonb, received_at timestamptz, ordering_key text, correlation_id text, causation_id text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM switchyard.ordering_keys k
  JOIN switchyard.jobs j ON j.handler = k.handler AND j.ordering_key = k.key
  WHERE j.id = ANY(finished_job_ids)
  ORDER BY k.handler, k.key
  FOR UPDATE OF k;

  RETURN QUERY
  WITH finished AS (
    SELECT DISTINCT j.handler, j.ordering_key, j.ordering_seq FROM switchyard.jobs j
    WHERE j.id = ANY(finished_job_ids) AND j.ordering_key IS NOT NULL
  ), advanced AS (
    UPDATE switchyard.ordering_keys k SET next_seq = k.next_seq + 1
    FROM finished f
    WHERE k.handler = f.handler AND k.key = f.ordering_key AND k.next_seq = f.ordering_seq
    RETURNING k.handler, k.key, k.next_seq
  ), released AS (
    UPDATE switchyard.jobs j SET held = false, released_at = now()
    FROM advanced a
    WHERE j.handler = a.handler AND j.ordering_key = a.key AND j.ordering_seq = a.next_seq AND j.kind = 'fanout' AND j.held
    RETURNING j.id, j.queue, j.handler, j.priority, j.deliver_at, j.attempts, j.backoff, j.kind, j.operation_id, j.event_id, j.ordering_key
  )
  SELECT r.id, r.queue, r.handler, r.priority, r.deliver_at::timestamptz, r.attempts, r.backoff, r.kind, r.operation_id::text,
         e.id::text, e.type, e.source, e.subject, e."time"::timestamptz, e.data, e.received_at::timestamptz, r.ordering_key,
         e.correlation_id, e.causation_id::text
  FROM released r JOIN switchyard.events e ON e.id = r.event_id;
END $$;

-- Every failed attempt of every job, kept across retries and redrives.
CREATE TABLE "switchyard"."job_attempts" (
    "id" BIGSERIAL NOT NULL,
    "job_id" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "handler" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "worker_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "error_name" TEXT NOT NULL,
    "error_message" TEXT NOT NULL,
    "error_stack" TEXT,
    "retryable" BOOLEAN NOT NULL,

    CONSTRAINT "job_attempts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "job_attempts_event_id_handler_id_idx" ON "switchyard"."job_attempts"("event_id", "handler", "id");

-- At-most-once delivery (docs/handlers.md, "Delivery modes"): a job of an
-- at-most-once handler claims its start here, committed before the handler
-- runs. A second start of the same job (a crash, a stall, a hand-back, a
-- republish) finds the claim and sends the job to the dead letters instead of
-- running it again. Job ids differ per delivery (`.r<n>` for a redrive,
-- `.replay.<op>` for a replay), so an operator's redrive gets a claim of its own.
CREATE TABLE "switchyard"."job_starts" (
    "job_id" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "handler" TEXT NOT NULL,
    "worker_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "job_starts_pkey" PRIMARY KEY ("job_id")
);
CREATE INDEX "job_starts_event_id_handler_idx" ON "switchyard"."job_starts"("event_id", "handler");

-- Dead letters ----------------------------------------------------------------

CREATE TABLE "switchyard"."dead_letters" (
    "id" UUID NOT NULL,
    "job_id" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "handler" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "error_name" TEXT NOT NULL,
    "error_message" TEXT NOT NULL,
    "attempts_made" INTEGER NOT NULL,
    "first_failed_at" TIMESTAMPTZ(3) NOT NULL,
    "last_failed_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fingerprint" TEXT NOT NULL DEFAULT '',
    "redrives" INTEGER NOT NULL DEFAULT 0,
    "discard_reason" TEXT,

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "dead_letters_event_id_handler_key" ON "switchyard"."dead_letters"("event_id", "handler");
CREATE INDEX "dead_letters_last_failed_at_id_idx" ON "switchyard"."dead_letters"("last_failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_status_last_failed_at_id_idx" ON "switchyard"."dead_letters"("status", "last_failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_queue_last_failed_at_id_idx" ON "switchyard"."dead_letters"("queue", "last_failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_handler_last_failed_at_id_idx" ON "switchyard"."dead_letters"("handler", "last_failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_event_type_last_failed_at_id_idx" ON "switchyard"."dead_letters"("event_type", "last_failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_fingerprint_last_failed_at_id_idx" ON "switchyard"."dead_letters"("fingerprint", "last_failed_at" DESC, "id" DESC);

-- pg_trgm makes substring search (q=) use an index; it is a trusted extension.
-- It may already be installed, in whichever schema (public, or `extensions`
-- on some hosts): the index names its operator class wherever it lives.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DO $$
BEGIN
  EXECUTE format(
    'CREATE INDEX "dead_letters_search_idx" ON "switchyard"."dead_letters" USING GIN (("error_message" || '' '' || "payload"::text) %I.gin_trgm_ops)',
    (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'));
END $$;

-- One change of a dead letter's status, by an operator or by the system.
CREATE TABLE "switchyard"."dead_letter_actions" (
    "id" BIGSERIAL NOT NULL,
    "dead_letter_id" UUID NOT NULL,
    "audit_id" BIGINT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "from_status" TEXT NOT NULL,
    "to_status" TEXT NOT NULL,
    "job_id" TEXT,
    "reason" TEXT,

    CONSTRAINT "dead_letter_actions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "dead_letter_actions_dead_letter_id_fkey" FOREIGN KEY ("dead_letter_id") REFERENCES "switchyard"."dead_letters"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "dead_letter_actions_dead_letter_id_id_idx" ON "switchyard"."dead_letter_actions"("dead_letter_id", "id");
CREATE INDEX "dead_letter_actions_audit_id_idx" ON "switchyard"."dead_letter_actions"("audit_id");

-- Dead-letter summaries the console reads without scanning a million rows.
CREATE TABLE "switchyard"."dead_letter_counts" (
    "status" TEXT NOT NULL,
    "n" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "dead_letter_counts_pkey" PRIMARY KEY ("status")
);

CREATE TABLE "switchyard"."dead_letter_groups" (
    "fingerprint" TEXT NOT NULL,
    "handler" TEXT NOT NULL,
    "error_name" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "open" BIGINT NOT NULL DEFAULT 0,
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "sample" TEXT NOT NULL,

    CONSTRAINT "dead_letter_groups_pkey" PRIMARY KEY ("fingerprint","handler","error_name")
);
CREATE INDEX "dead_letter_groups_last_seen_idx" ON "switchyard"."dead_letter_groups"("last_seen" DESC);

-- Keeps both summaries in step with dead_letters, in the same transaction as
-- any change to it (worker writes, operator actions, bulk operations, SQL by
-- hand). One statement-level trigger per kind of change, fed by its
-- transition tables; rows are upserted in key order so concurrent
-- transactions lock summary rows in the same order and cannot deadlock.
CREATE FUNCTION "switchyard"."dead_letters_summarise"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_rows'
    WHEN 'UPDATE' THEN 'SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows'
    ELSE 'SELECT -1 AS sign, * FROM old_rows'
  END;
BEGIN
  EXECUTE format($sql$
    WITH delta AS (%s)
    INSERT INTO switchyard.dead_letter_counts AS c (status, n)
    SELECT status, sum(sign) FROM delta GROUP BY status HAVING sum(sign) <> 0 ORDER BY status
    ON CONFLICT (status) DO UPDATE SET n = c.n + excluded.n
  $sql$, delta);
  EXECUTE format($sql$
    WITH delta AS (%s)
    INSERT INTO switchyard.dead_letter_groups AS g (fingerprint, handler, error_name, count, open, first_seen, last_seen, sample)
    SELECT fingerprint, handler, error_name, sum(sign), COALESCE(sum(sign) FILTER (WHERE status = 'open'), 0),
           COALESCE(min(first_failed_at) FILTER (WHERE sign > 0), min(first_failed_at)),
           COALESCE(max(last_failed_at) FILTER (WHERE sign > 0), max(last_failed_at)),
           COALESCE((array_agg(error_message ORDER BY last_failed_at DESC) FILTER (WHERE sign > 0))[1], '')
    FROM delta GROUP BY fingerprint, handler, error_name ORDER BY fingerprint, handler, error_name
    ON CONFLICT (fingerprint, handler, error_name) DO UPDATE SET
      count = g.count + excluded.count,
      open = g.open + excluded.open,
      first_seen = LEAST(g.first_seen, excluded.first_seen),
      last_seen = GREATEST(g.last_seen, excluded.last_seen),
      sample = CASE WHEN excluded.last_seen >= g.last_seen AND excluded.sample <> '' THEN excluded.sample ELSE g.sample END
  $sql$, delta);
  RETURN NULL;
END $$;

CREATE TRIGGER "dead_letters_summarise_insert" AFTER INSERT ON "switchyard"."dead_letters"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "switchyard"."dead_letters_summarise"();
CREATE TRIGGER "dead_letters_summarise_update" AFTER UPDATE ON "switchyard"."dead_letters"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "switchyard"."dead_letters_summarise"();
CREATE TRIGGER "dead_letters_summarise_delete" AFTER DELETE ON "switchyard"."dead_letters"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "switchyard"."dead_letters_summarise"();

-- Operations: audit trail and tracked bulk actions ----------------------------

CREATE TABLE "switchyard"."audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "filter" JSONB,
    "count" INTEGER NOT NULL DEFAULT 0,
    "detail" JSONB,
    "operation_id" UUID,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_log_at_idx" ON "switchyard"."audit_log"("at" DESC);

CREATE TABLE "switchyard"."operations" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "filter" JSONB,
    "params" JSONB,
    "matched" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "operations_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "operations_status_idx" ON "switchyard"."operations"("status");

CREATE TABLE "switchyard"."operation_items" (
    "operation_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "item_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,

    CONSTRAINT "operation_items_pkey" PRIMARY KEY ("operation_id","seq"),
    CONSTRAINT "operation_items_operation_id_fkey" FOREIGN KEY ("operation_id") REFERENCES "switchyard"."operations"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- The items an operation still has to do, in order.
CREATE INDEX "operation_items_pending_idx" ON "switchyard"."operation_items"("operation_id", "seq") WHERE "status" = 'pending';

-- API keys and redaction (docs/security.md) -----------------------------------

-- The token is shown once; only its sha256 is kept.
CREATE TABLE "switchyard"."api_keys" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    -- The 8 characters after `sy_` in the token: how a request finds its key.
    "prefix" TEXT NOT NULL,
    -- sha256 (hex) of the whole token. Tokens carry 256 random bits, so a slow
    -- password hash would add latency to every request and no security.
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT[] NOT NULL,
    -- Events per second this key may ingest; NULL: INGEST_RATE_LIMIT_PER_SEC.
    "rate_limit_per_sec" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_keys_name_check" CHECK ("name" ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    CONSTRAINT "api_keys_prefix_check" CHECK ("prefix" ~ '^[A-Za-z0-9]{8}$'),
    CONSTRAINT "api_keys_scopes_check" CHECK (
        cardinality("scopes") > 0
        AND "scopes" <@ ARRAY['events:write', 'events:read', 'ops:read', 'ops:write', 'admin']::TEXT[]),
    CONSTRAINT "api_keys_rate_limit_check" CHECK ("rate_limit_per_sec" IS NULL OR "rate_limit_per_sec" >= 0)
);
CREATE UNIQUE INDEX "api_keys_name_key" ON "switchyard"."api_keys"("name");
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "switchyard"."api_keys"("prefix");

-- Masks one path in a JSON document: `path` is a list of keys, '[]' steps into
-- every element of an array. Missing paths leave the document as it is.
CREATE FUNCTION "switchyard"."switchyard_mask"(doc JSONB, path TEXT[]) RETURNS JSONB
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  head TEXT;
  rest TEXT[];
  masked JSONB;
BEGIN
  IF doc IS NULL OR cardinality(path) = 0 THEN RETURN doc; END IF;
  head := path[1];
  rest := path[2:];
  IF head = '[]' THEN
    IF jsonb_typeof(doc) <> 'array' THEN RETURN doc; END IF;
    SELECT COALESCE(jsonb_agg(switchyard.switchyard_mask(elem, rest) ORDER BY ord), '[]'::JSONB) INTO masked
    FROM jsonb_array_elements(doc) WITH ORDINALITY AS t(elem, ord);
    RETURN masked;
  END IF;
  IF jsonb_typeof(doc) <> 'object' OR NOT doc ? head THEN RETURN doc; END IF;
  IF cardinality(rest) = 0 THEN RETURN jsonb_set(doc, ARRAY[head], '"[redacted]"'::JSONB); END IF;
  RETURN jsonb_set(doc, ARRAY[head], switchyard.switchyard_mask(doc -> head, rest));
END $$;

-- Masks every path of `paths` (a JSON array of key lists, as switchyard_mask takes them).
CREATE FUNCTION "switchyard"."switchyard_redact"(doc JSONB, paths JSONB) RETURNS JSONB
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  path JSONB;
BEGIN
  FOR path IN SELECT value FROM jsonb_array_elements(paths) LOOP
    doc := switchyard.switchyard_mask(doc, ARRAY(SELECT jsonb_array_elements_text(path)));
  END LOOP;
  RETURN doc;
END $$;

-- Console sign-in (docs/security.md, "Console sign-in"): people, not API keys.
CREATE TABLE "switchyard"."console_users" (
    "id" UUID NOT NULL,
    -- Stored lowercased, so "Dana" and "dana" are one user.
    "username" TEXT NOT NULL,
    -- scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>: the parameters travel with
    -- the hash, so raising them later does not lock anyone out.
    "password_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "console_users_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "console_users_username_check" CHECK ("username" ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    CONSTRAINT "console_users_role_check" CHECK ("role" IN ('viewer', 'operator', 'admin'))
);
CREATE UNIQUE INDEX "console_users_username_key" ON "switchyard"."console_users"("username");

CREATE TABLE "switchyard"."console_sessions" (
    -- sha256 (hex) of the cookie's token: a database read does not hand out sessions.
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "console_sessions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "console_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "switchyard"."console_users"("id") ON DELETE CASCADE
);
CREATE INDEX "console_sessions_user_id_idx" ON "switchyard"."console_sessions"("user_id");

-- Schedules (docs/handlers.md, "Schedules") ------------------------------------

-- Cron or interval schedules that emit an event through the ingest path. Every
-- API and worker process polls this table; a tick is claimed with FOR UPDATE
-- SKIP LOCKED and its event is stored in the same transaction, so each tick
-- fires once.
CREATE TABLE "switchyard"."schedules" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "source" TEXT NOT NULL,
    "subject" TEXT,
    "kind" TEXT NOT NULL,
    "cron" TEXT,
    -- IANA zone the cron expression is read in (DST included); cron only.
    "time_zone" TEXT,
    "interval_ms" INTEGER,
    -- After downtime longer than the misfire grace: skip the missed ticks, or fire once for them.
    "catch_up" TEXT NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "next_fire_at" TIMESTAMPTZ(3) NOT NULL,
    "last_fired_at" TIMESTAMPTZ(3),
    "last_event_id" UUID,
    -- Why the last tick emitted nothing (its data no longer matches the catalog, say).
    "last_error" TEXT,
    -- `api` (POST /v1/schedules) or `code` (@EventSchedule, upserted at startup).
    "origin" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "schedules_name_check" CHECK ("name" ~ '^[a-z0-9]+([._-][a-z0-9]+)*$' AND length("name") <= 200),
    CONSTRAINT "schedules_kind_check" CHECK (
        ("kind" = 'cron' AND "cron" IS NOT NULL AND "time_zone" IS NOT NULL AND "interval_ms" IS NULL)
        OR ("kind" = 'interval' AND "interval_ms" >= 1000 AND "cron" IS NULL AND "time_zone" IS NULL)),
    CONSTRAINT "schedules_catch_up_check" CHECK ("catch_up" IN ('skip', 'fire-once')),
    CONSTRAINT "schedules_origin_check" CHECK ("origin" IN ('api', 'code'))
);
CREATE UNIQUE INDEX "schedules_name_key" ON "switchyard"."schedules"("name");
-- The scheduler's poll: the earliest due, unpaused schedules.
CREATE INDEX "schedules_due_idx" ON "switchyard"."schedules"("next_fire_at") WHERE NOT "paused";
