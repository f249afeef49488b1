-- Follow-up events (docs/handlers.md, "Emitting follow-up events"): every
-- event knows the tree it belongs to and the event whose handler emitted it.

-- The root event's id, or the id a producer gave at ingest (correlationId /
-- the CloudEvents `correlationid` extension). Text, not uuid: producers carry
-- their own request or saga ids. Nullable only so rows written before this
-- migration (and tools that insert events by hand) stay valid; readers treat
-- null as "the event's own id".
ALTER TABLE "events" ADD COLUMN "correlation_id" TEXT;
-- The event whose handler emitted this one; null for events sent by producers.
ALTER TABLE "events" ADD COLUMN "causation_id" UUID;
UPDATE "events" SET "correlation_id" = "id"::text WHERE "correlation_id" IS NULL;
CREATE INDEX "events_correlation_id_received_at_idx" ON "events"("correlation_id", "received_at");

-- The example domain's order saga (libs/commerce/src/orders): one row per
-- order, locked by every saga handler, so two successes arriving at once on two
-- workers confirm the order exactly once, and a failed payment seen before the
-- reservation stops the reservation.
CREATE TABLE "order_progress" (
    "order_id" TEXT NOT NULL,
    "customer" JSONB,
    "amount" INTEGER,
    "currency" TEXT,
    "paid_at" TIMESTAMPTZ(3),
    "payment_failed_at" TIMESTAMPTZ(3),
    "item_count" INTEGER,
    "reserved_at" TIMESTAMPTZ(3),
    "released_at" TIMESTAMPTZ(3),
    "confirmed_at" TIMESTAMPTZ(3),
    "confirmed_event_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "order_progress_pkey" PRIMARY KEY ("order_id")
);
