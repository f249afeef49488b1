-- The example shop's saga reacts to its charge's dead letter (switchyard.job.*
-- events): the stock is released while the charge is dead, reserved again if a
-- retry succeeds, and the order cancelled if an operator discards the charge.
ALTER TABLE "order_progress" ADD COLUMN "cancelled_at" TIMESTAMPTZ(3);
ALTER TABLE "order_progress" ADD COLUMN "charge_dead_at" TIMESTAMPTZ(3);
ALTER TABLE "order_progress" ADD COLUMN "charge_transition_seq" BIGINT;
