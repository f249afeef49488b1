-- At-most-once delivery (docs/handlers.md, "Delivery modes"): a job of an
-- at-most-once handler claims its start here, committed before the handler
-- runs. A second start of the same job (a crash, a stall, a hand-back, a
-- republish) finds the claim and sends the job to the dead letters instead of
-- running it again. Job ids differ per delivery (`.r<n>` for a redrive,
-- `.replay.<op>` for a replay), so an operator's redrive gets a claim of its own.
CREATE TABLE "job_starts" (
    "job_id" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "handler" TEXT NOT NULL,
    "worker_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "job_starts_pkey" PRIMARY KEY ("job_id")
);
CREATE INDEX "job_starts_event_id_handler_idx" ON "job_starts"("event_id", "handler");
