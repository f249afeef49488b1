-- The idempotency guard's tables alone, for a database of the team's own that
-- is not Switchyard's (docs/handlers.md, "Handlers on your own database"):
-- ctx.once() writes its processed key there, in the same transaction as the
-- handler's effects. The same definitions as in prisma/migrations, which
-- creates them only if missing: this database may take the whole set later.
CREATE SCHEMA IF NOT EXISTS "switchyard";

-- This database's own installation id: a worker compares it with the one of
-- Switchyard's database to learn that they differ.
CREATE TABLE IF NOT EXISTS "switchyard"."installation" (
    -- Always true: the primary key allows one row.
    "singleton" BOOLEAN NOT NULL DEFAULT true,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "installation_pkey" PRIMARY KEY ("singleton"),
    CONSTRAINT "installation_singleton_check" CHECK ("singleton")
);
INSERT INTO "switchyard"."installation" DEFAULT VALUES ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS "switchyard"."processed_keys" (
    "handler" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_keys_pkey" PRIMARY KEY ("handler","key")
);
