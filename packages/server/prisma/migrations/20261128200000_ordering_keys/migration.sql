-- Ordering per key (docs/handlers.md, "Ordering per key"): a handler may
-- declare an ordering key; its jobs with one key run one at a time, in the
-- order their events were committed.

-- One row per (handler, key). `last_seq` is the sequence number of the key's
-- latest job; `next_seq` the one allowed to run (the head). Ingest bumps
-- `last_seq` in its append statement, so the row lock orders concurrent
-- appends for one key by commit; a finished head bumps `next_seq`.
CREATE TABLE "ordering_keys" (
    "handler" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "last_seq" BIGINT NOT NULL,
    "next_seq" BIGINT NOT NULL DEFAULT 1,

    CONSTRAINT "ordering_keys_pkey" PRIMARY KEY ("handler", "key")
);

ALTER TABLE "jobs" ADD COLUMN "ordering_key" TEXT;
ALTER TABLE "jobs" ADD COLUMN "ordering_seq" BIGINT;
-- A job waiting for an earlier job of its key: in the outbox, but the relay
-- leaves it alone until the key reaches it.
ALTER TABLE "jobs" ADD COLUMN "held" BOOLEAN NOT NULL DEFAULT false;
-- When the key reached a held job; the relay's grace period counts from here.
ALTER TABLE "jobs" ADD COLUMN "released_at" TIMESTAMPTZ(3);

-- Finding a key's next job when its head finishes.
CREATE INDEX "jobs_ordering_idx" ON "jobs"("handler", "ordering_key", "ordering_seq") WHERE "ordering_key" IS NOT NULL;

-- The outbox the relay sweeps: unpublished and not held. Held jobs of a long
-- backlog would otherwise be walked over on every sweep.
DROP INDEX "jobs_outbox_idx";
CREATE INDEX "jobs_outbox_idx" ON "jobs"("created_at", "id") WHERE "published_at" IS NULL AND NOT "held";

-- When a key's head finishes (completed, dead-lettered with `proceed`, its
-- dead letter discarded): move the key on and release its next job, returned
-- with its event for publishing. Two statements on purpose. The first locks
-- the keys' rows (in key order, as ingest does); under READ COMMITTED the
-- second then takes a fresh snapshot, so it sees every job an append
-- committed while we waited for the lock. In one statement the snapshot
-- would predate the wait, and a job that append held would never be released.
-- Only the head moves its key (the guard on next_seq): a job that finishes
-- twice (a stalled re-run, a redrive after the key moved on) moves nothing.
CREATE FUNCTION "switchyard_release_keys"(finished_job_ids text[])
RETURNS TABLE (id text, queue text, handler text, priority int, deliver_at timestamptz, attempts int, backoff jsonb,
               kind text, operation_id text, event_id text, type text, source text, subject text, "time" timestamptz,
               data jsonb, received_at timestamptz, ordering_key text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM ordering_keys k
  JOIN jobs j ON j.handler = k.handler AND j.ordering_key = k.key
  WHERE j.id = ANY(finished_job_ids)
  ORDER BY k.handler, k.key
  FOR UPDATE OF k;

  RETURN QUERY
  WITH finished AS (
    SELECT DISTINCT j.handler, j.ordering_key, j.ordering_seq FROM jobs j
    WHERE j.id = ANY(finished_job_ids) AND j.ordering_key IS NOT NULL
  ), advanced AS (
    UPDATE ordering_keys k SET next_seq = k.next_seq + 1
    FROM finished f
    WHERE k.handler = f.handler AND k.key = f.ordering_key AND k.next_seq = f.ordering_seq
    RETURNING k.handler, k.key, k.next_seq
  ), released AS (
    UPDATE jobs j SET held = false, released_at = now()
    FROM advanced a
    WHERE j.handler = a.handler AND j.ordering_key = a.key AND j.ordering_seq = a.next_seq AND j.kind = 'fanout' AND j.held
    RETURNING j.id, j.queue, j.handler, j.priority, j.deliver_at, j.attempts, j.backoff, j.kind, j.operation_id, j.event_id, j.ordering_key
  )
  SELECT r.id, r.queue, r.handler, r.priority, r.deliver_at::timestamptz, r.attempts, r.backoff, r.kind, r.operation_id::text,
         e.id::text, e.type, e.source, e.subject, e."time"::timestamptz, e.data, e.received_at::timestamptz, r.ordering_key
  FROM released r JOIN events e ON e.id = r.event_id;
END $$;

-- The example domain's ordered handler (libs/commerce/src/store-credit):
-- a customer's store-credit ledger, one line per grant or spend, numbered.
CREATE TABLE "store_credit_entries" (
    "customer_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "event_id" UUID NOT NULL,
    -- `granted`, `spent` or `refused` (a spend beyond the balance).
    "kind" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "balance" INTEGER NOT NULL,
    "reference" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "store_credit_entries_pkey" PRIMARY KEY ("customer_id", "position")
);
