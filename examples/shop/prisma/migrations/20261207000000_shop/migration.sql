-- The example shop's tables, in a schema of its own (`shop`), so they sit in
-- Switchyard's database beside its `switchyard` schema: the shop's handlers'
-- effects, Switchyard's guard row and the events they emit commit together.
CREATE SCHEMA IF NOT EXISTS "shop";

CREATE TABLE "shop"."stock_items" (
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "available" INTEGER NOT NULL,
    "reserved" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_items_pkey" PRIMARY KEY ("sku")
);

-- What inventory.reserve took for an order, so inventory.release can give it back.
CREATE TABLE "shop"."stock_reservations" (
    "order_id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'reserved',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_at" TIMESTAMPTZ(3),

    CONSTRAINT "stock_reservations_pkey" PRIMARY KEY ("order_id","sku")
);

-- Captures and refunds; the idempotency key is what was sent to the gateway.
CREATE TABLE "shop"."payments" (
    "id" UUID NOT NULL,
    "order_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "gateway_ref" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "payments_idempotency_key_key" ON "shop"."payments"("idempotency_key");
CREATE INDEX "payments_order_id_idx" ON "shop"."payments"("order_id");

-- The fake mailer's outbox: every email "sent", for the example's effects to be seen in Postgres.
CREATE TABLE "shop"."emails" (
    "id" UUID NOT NULL,
    "template" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "emails_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "emails_order_id_idx" ON "shop"."emails"("order_id");

-- The order saga (src/orders): one row per order, locked by every saga
-- handler, so two successes arriving at once on two workers confirm the order
-- exactly once, and a failed payment seen before the reservation stops the
-- reservation. cancelled_at, charge_dead_at and charge_transition_seq follow
-- the charge's dead letter (switchyard.job.* events): stock released while
-- the charge is dead, reserved again if a retry succeeds, the order cancelled
-- if an operator discards the charge.
CREATE TABLE "shop"."order_progress" (
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
    "cancelled_at" TIMESTAMPTZ(3),
    "charge_dead_at" TIMESTAMPTZ(3),
    "charge_transition_seq" BIGINT,

    CONSTRAINT "order_progress_pkey" PRIMARY KEY ("order_id")
);

-- The ordered handler's ledger (src/store-credit): one numbered line per
-- grant or spend per customer. kind: `granted`, `spent` or `refused` (a spend
-- beyond the balance).
CREATE TABLE "shop"."store_credit_entries" (
    "customer_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "event_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "balance" INTEGER NOT NULL,
    "reference" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "store_credit_entries_pkey" PRIMARY KEY ("customer_id", "position")
);

-- The nightly restock check (src/inventory/restock-check.handler.ts).
CREATE TABLE "shop"."restock_requests" (
    "event_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "available" INTEGER NOT NULL,
    "threshold" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "restock_requests_pkey" PRIMARY KEY ("event_id", "sku")
);
