-- The event types each worker declares, with the JSON Schema of their data
-- (from the app's catalog), refreshed on the worker's heartbeat. Two workers
-- online at once must agree on a type's schema: a worker whose schema
-- differs from one an online worker declares is refused at start.

CREATE TABLE IF NOT EXISTS "switchyard"."event_type_schemas" (
    "type" TEXT NOT NULL,
    "worker_id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    -- Null when the catalog's schema library gives no JSON Schema (no Standard JSON Schema support).
    "json_schema" JSONB,
    "schema_hash" TEXT NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_type_schemas_pkey" PRIMARY KEY ("type", "worker_id")
);

CREATE INDEX IF NOT EXISTS "event_type_schemas_worker_id_idx" ON "switchyard"."event_type_schemas"("worker_id");
