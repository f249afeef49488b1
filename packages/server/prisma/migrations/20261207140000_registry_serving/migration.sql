-- What the API serves from the route registry: a route retired by an
-- operator keeps its row as a tombstone (a heartbeat of a worker still
-- running it does not bring it back; a worker starting with it does), the
-- event types producers may send with their current schema, and a revision
-- every API polls to know when to reload the two.

ALTER TABLE "switchyard"."routes" ADD COLUMN IF NOT EXISTS "retired_at" TIMESTAMPTZ(3);
ALTER TABLE "switchyard"."routes" ADD COLUMN IF NOT EXISTS "retired_by" TEXT;

-- An event type's schema as the API validates it: the one of the last
-- worker to start declaring it. It stays when its workers stop.
CREATE TABLE IF NOT EXISTS "switchyard"."event_types" (
    "type" TEXT NOT NULL,
    "json_schema" JSONB NOT NULL,
    "schema_hash" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_types_pkey" PRIMARY KEY ("type")
);

-- One row: bumped by every change to routes or event types, so a poll of
-- one integer tells an API whether to reload them.
CREATE TABLE IF NOT EXISTS "switchyard"."registry_revision" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "revision" BIGINT NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_revision_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "registry_revision_one_row" CHECK ("id")
);
