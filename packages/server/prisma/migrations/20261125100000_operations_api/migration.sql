-- Operations API: dead-letter triage (fingerprints, redrives, audit trail),
-- tracked bulk operations, and indexes for searching events and dead letters.

-- pg_trgm makes substring search (q=) use an index; it is a trusted extension.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Redrives and replays add jobs for an (event, handler) pair, so it is no longer unique.
DROP INDEX "jobs_event_id_handler_key";
CREATE INDEX "jobs_event_id_handler_idx" ON "jobs"("event_id", "handler");
ALTER TABLE "jobs" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'fanout';
ALTER TABLE "jobs" ADD COLUMN "operation_id" UUID;

-- Dead letters
ALTER TABLE "dead_letters" ADD COLUMN "fingerprint" TEXT NOT NULL DEFAULT '';
ALTER TABLE "dead_letters" ADD COLUMN "redrives" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "dead_letters" ADD COLUMN "discard_reason" TEXT;
UPDATE "dead_letters" SET "fingerprint" = left(md5("handler" || E'\n' || "error_name" || E'\n' || "error_message"), 16);
DROP INDEX "dead_letters_status_last_failed_at_idx";
DROP INDEX "dead_letters_queue_last_failed_at_idx";
CREATE INDEX "dead_letters_last_failed_at_id_idx" ON "dead_letters"("last_failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_status_last_failed_at_id_idx" ON "dead_letters"("status", "last_failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_queue_last_failed_at_id_idx" ON "dead_letters"("queue", "last_failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_handler_last_failed_at_id_idx" ON "dead_letters"("handler", "last_failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_event_type_last_failed_at_id_idx" ON "dead_letters"("event_type", "last_failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_fingerprint_last_failed_at_id_idx" ON "dead_letters"("fingerprint", "last_failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_search_idx" ON "dead_letters" USING GIN (("error_message" || ' ' || "payload"::text) gin_trgm_ops);

-- Events search: containment on data (data.customer.id=cus_42) and substring (q=).
CREATE INDEX "events_data_idx" ON "events" USING GIN ("data" jsonb_path_ops);
CREATE INDEX "events_subject_received_at_idx" ON "events"("subject", "received_at" DESC);
CREATE INDEX "events_search_idx" ON "events" USING GIN (("data"::text) gin_trgm_ops);

-- CreateTable
CREATE TABLE "audit_log" (
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

-- CreateTable
CREATE TABLE "dead_letter_actions" (
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

    CONSTRAINT "dead_letter_actions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operations" (
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

-- CreateTable
CREATE TABLE "operation_items" (
    "operation_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "item_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,

    CONSTRAINT "operation_items_pkey" PRIMARY KEY ("operation_id","seq")
);

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at" DESC);

-- CreateIndex
CREATE INDEX "dead_letter_actions_dead_letter_id_id_idx" ON "dead_letter_actions"("dead_letter_id", "id");

-- CreateIndex
CREATE INDEX "dead_letter_actions_audit_id_idx" ON "dead_letter_actions"("audit_id");

-- CreateIndex
CREATE INDEX "operations_status_idx" ON "operations"("status");

-- AddForeignKey
ALTER TABLE "dead_letter_actions" ADD CONSTRAINT "dead_letter_actions_dead_letter_id_fkey" FOREIGN KEY ("dead_letter_id") REFERENCES "dead_letters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "operation_items" ADD CONSTRAINT "operation_items_operation_id_fkey" FOREIGN KEY ("operation_id") REFERENCES "operations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The items an operation still has to do, in order.
CREATE INDEX "operation_items_pending_idx" ON "operation_items"("operation_id", "seq") WHERE "status" = 'pending';
