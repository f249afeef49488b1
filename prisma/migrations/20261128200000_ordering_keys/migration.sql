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
