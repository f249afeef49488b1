-- Performance (docs/performance.md): cheaper event inserts, and dead-letter
-- summaries that the console reads without scanning a million rows.

-- A trigram index over every event's data cost more per ingest than the rest of
-- the insert together. Data search uses containment on the GIN index below;
-- q= over events now scans, bounded by the other filters.
DROP INDEX "events_search_idx";

-- Most events have no subject: index only those that do.
DROP INDEX "events_subject_received_at_idx";
CREATE INDEX "events_subject_received_at_idx" ON "events"("subject", "received_at" DESC) WHERE "subject" IS NOT NULL;

-- CreateTable
CREATE TABLE "dead_letter_counts" (
    "status" TEXT NOT NULL,
    "n" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "dead_letter_counts_pkey" PRIMARY KEY ("status")
);

-- CreateTable
CREATE TABLE "dead_letter_groups" (
    "fingerprint" TEXT NOT NULL,
    "handler" TEXT NOT NULL,
    "error_name" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "open" BIGINT NOT NULL DEFAULT 0,
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "sample" TEXT NOT NULL,

    CONSTRAINT "dead_letter_groups_pkey" PRIMARY KEY ("fingerprint","handler","error_name")
);

-- CreateIndex
CREATE INDEX "dead_letter_groups_last_seen_idx" ON "dead_letter_groups"("last_seen" DESC);

-- Keeps both summaries in step with dead_letters, in the same transaction as
-- any change to it (worker writes, operator actions, bulk operations, SQL by
-- hand). One statement-level trigger per kind of change, fed by its
-- transition tables; rows are upserted in key order so concurrent
-- transactions lock summary rows in the same order and cannot deadlock.
CREATE FUNCTION "dead_letters_summarise"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_rows'
    WHEN 'UPDATE' THEN 'SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows'
    ELSE 'SELECT -1 AS sign, * FROM old_rows'
  END;
BEGIN
  EXECUTE format($sql$
    WITH delta AS (%s)
    INSERT INTO dead_letter_counts AS c (status, n)
    SELECT status, sum(sign) FROM delta GROUP BY status HAVING sum(sign) <> 0 ORDER BY status
    ON CONFLICT (status) DO UPDATE SET n = c.n + excluded.n
  $sql$, delta);
  EXECUTE format($sql$
    WITH delta AS (%s)
    INSERT INTO dead_letter_groups AS g (fingerprint, handler, error_name, count, open, first_seen, last_seen, sample)
    SELECT fingerprint, handler, error_name, sum(sign), COALESCE(sum(sign) FILTER (WHERE status = 'open'), 0),
           COALESCE(min(first_failed_at) FILTER (WHERE sign > 0), min(first_failed_at)),
           COALESCE(max(last_failed_at) FILTER (WHERE sign > 0), max(last_failed_at)),
           COALESCE((array_agg(error_message ORDER BY last_failed_at DESC) FILTER (WHERE sign > 0))[1], '')
    FROM delta GROUP BY fingerprint, handler, error_name ORDER BY fingerprint, handler, error_name
    ON CONFLICT (fingerprint, handler, error_name) DO UPDATE SET
      count = g.count + excluded.count,
      open = g.open + excluded.open,
      first_seen = LEAST(g.first_seen, excluded.first_seen),
      last_seen = GREATEST(g.last_seen, excluded.last_seen),
      sample = CASE WHEN excluded.last_seen >= g.last_seen AND excluded.sample <> '' THEN excluded.sample ELSE g.sample END
  $sql$, delta);
  RETURN NULL;
END $$;

CREATE TRIGGER "dead_letters_summarise_insert" AFTER INSERT ON "dead_letters"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "dead_letters_summarise"();
CREATE TRIGGER "dead_letters_summarise_update" AFTER UPDATE ON "dead_letters"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "dead_letters_summarise"();
CREATE TRIGGER "dead_letters_summarise_delete" AFTER DELETE ON "dead_letters"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "dead_letters_summarise"();

-- What is already there.
INSERT INTO "dead_letter_counts" ("status", "n") SELECT "status", count(*) FROM "dead_letters" GROUP BY "status";
INSERT INTO "dead_letter_groups" ("fingerprint", "handler", "error_name", "count", "open", "first_seen", "last_seen", "sample")
SELECT "fingerprint", "handler", "error_name", count(*), count(*) FILTER (WHERE "status" = 'open'), min("first_failed_at"), max("last_failed_at"),
       (array_agg("error_message" ORDER BY "last_failed_at" DESC))[1]
FROM "dead_letters" GROUP BY "fingerprint", "handler", "error_name";
