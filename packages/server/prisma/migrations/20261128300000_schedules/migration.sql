-- Scheduled events (docs/handlers.md, "Schedules"): cron or interval
-- schedules that emit an event through the ingest path. Every API and worker
-- process polls this table; a tick is claimed with FOR UPDATE SKIP LOCKED and
-- its event is stored in the same transaction, so each tick fires once.
CREATE TABLE "schedules" (
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
CREATE UNIQUE INDEX "schedules_name_key" ON "schedules"("name");
-- The scheduler's poll: the earliest due, unpaused schedules.
CREATE INDEX "schedules_due_idx" ON "schedules"("next_fire_at") WHERE NOT "paused";

-- The example domain's nightly restock check (libs/commerce/src/inventory/restock-check.handler.ts).
CREATE TABLE "restock_requests" (
    "event_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "available" INTEGER NOT NULL,
    "threshold" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "restock_requests_pkey" PRIMARY KEY ("event_id", "sku")
);
