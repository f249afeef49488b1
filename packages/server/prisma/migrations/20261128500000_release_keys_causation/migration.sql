-- A released job is published with its event's correlation and causation
-- ids, like every other publish (the first version of switchyard_release_keys
-- predates them, so released jobs carried their own event id as correlation).
-- Same function otherwise; see 20261128200000_ordering_keys for how it works.
-- Its result type changes, so it is dropped and created again.
DROP FUNCTION "switchyard_release_keys"(text[]);

CREATE FUNCTION "switchyard_release_keys"(finished_job_ids text[])
RETURNS TABLE (id text, queue text, handler text, priority int, deliver_at timestamptz, attempts int, backoff jsonb,
               kind text, operation_id text, event_id text, type text, source text, subject text, "time" timestamptz,
               data jsonb, received_at timestamptz, ordering_key text, correlation_id text, causation_id text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM ordering_keys k
  JOIN jobs j ON j.handler = k.handler AND j.ordering_key = k.key
  WHERE j.id = ANY(finished_job_ids)
  ORDER BY k.handler, k.key
  FOR UPDATE OF k;

  RETURN QUERY
  WITH finished AS (
    SELECT DISTINCT j.handler, j.ordering_key, j.ordering_seq FROM jobs j
    WHERE j.id = ANY(finished_job_ids) AND j.ordering_key IS NOT NULL
  ), advanced AS (
    UPDATE ordering_keys k SET next_seq = k.next_seq + 1
    FROM finished f
    WHERE k.handler = f.handler AND k.key = f.ordering_key AND k.next_seq = f.ordering_seq
    RETURNING k.handler, k.key, k.next_seq
  ), released AS (
    UPDATE jobs j SET held = false, released_at = now()
    FROM advanced a
    WHERE j.handler = a.handler AND j.ordering_key = a.key AND j.ordering_seq = a.next_seq AND j.kind = 'fanout' AND j.held
    RETURNING j.id, j.queue, j.handler, j.priority, j.deliver_at, j.attempts, j.backoff, j.kind, j.operation_id, j.event_id, j.ordering_key
  )
  SELECT r.id, r.queue, r.handler, r.priority, r.deliver_at::timestamptz, r.attempts, r.backoff, r.kind, r.operation_id::text,
         e.id::text, e.type, e.source, e.subject, e."time"::timestamptz, e.data, e.received_at::timestamptz, r.ordering_key,
         e.correlation_id, e.causation_id::text
  FROM released r JOIN events e ON e.id = r.event_id;
END $$;
