-- The route registry: the handlers workers run, as they declared them at
-- start, and which workers run each of them now. A worker writes its
-- handlers at start and refreshes its rows on a heartbeat; a route stays
-- when its workers go away (its events still fan out and wait in its
-- queue) until an operator retires it.

CREATE TABLE IF NOT EXISTS "switchyard"."routes" (
    "handler" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    -- The handler's options as the routing table needs them (patterns,
    -- filter, attempts, backoff, priority, delay, concurrency, rate limit,
    -- delivery, ordering), from the worker that registered it last.
    "definition" JSONB NOT NULL,
    "definition_hash" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "routes_pkey" PRIMARY KEY ("handler")
);

CREATE TABLE IF NOT EXISTS "switchyard"."route_workers" (
    "handler" TEXT NOT NULL,
    "worker_id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "definition_hash" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "route_workers_pkey" PRIMARY KEY ("handler", "worker_id"),
    CONSTRAINT "route_workers_handler_fkey" FOREIGN KEY ("handler") REFERENCES "switchyard"."routes"("handler") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX IF NOT EXISTS "route_workers_worker_id_idx" ON "switchyard"."route_workers"("worker_id");
