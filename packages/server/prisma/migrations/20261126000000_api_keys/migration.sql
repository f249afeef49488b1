-- API keys (docs/security.md): the token is shown once; only its sha256 is kept.
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    -- The 8 characters after `sy_` in the token: how a request finds its key.
    "prefix" TEXT NOT NULL,
    -- sha256 (hex) of the whole token. Tokens carry 256 random bits, so a slow
    -- password hash would add latency to every request and no security.
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT[] NOT NULL,
    -- Events per second this key may ingest; NULL: INGEST_RATE_LIMIT_PER_SEC.
    "rate_limit_per_sec" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_keys_name_check" CHECK ("name" ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    CONSTRAINT "api_keys_prefix_check" CHECK ("prefix" ~ '^[A-Za-z0-9]{8}$'),
    CONSTRAINT "api_keys_scopes_check" CHECK (
        cardinality("scopes") > 0
        AND "scopes" <@ ARRAY['events:write', 'events:read', 'ops:read', 'ops:write', 'admin']::TEXT[]),
    CONSTRAINT "api_keys_rate_limit_check" CHECK ("rate_limit_per_sec" IS NULL OR "rate_limit_per_sec" >= 0)
);
CREATE UNIQUE INDEX "api_keys_name_key" ON "api_keys"("name");
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- When REDACT_STORED is on, the configured paths are masked in events.data once
-- the event's jobs are done with it (see StoredPayloadScrubber); NULL until then.
ALTER TABLE "events" ADD COLUMN "redacted_at" TIMESTAMPTZ(3);

-- Masks one path in a JSON document: `path` is a list of keys, '[]' steps into
-- every element of an array. Missing paths leave the document as it is.
CREATE FUNCTION switchyard_mask(doc JSONB, path TEXT[]) RETURNS JSONB
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  head TEXT;
  rest TEXT[];
  masked JSONB;
BEGIN
  IF doc IS NULL OR cardinality(path) = 0 THEN RETURN doc; END IF;
  head := path[1];
  rest := path[2:];
  IF head = '[]' THEN
    IF jsonb_typeof(doc) <> 'array' THEN RETURN doc; END IF;
    SELECT COALESCE(jsonb_agg(switchyard_mask(elem, rest) ORDER BY ord), '[]'::JSONB) INTO masked
    FROM jsonb_array_elements(doc) WITH ORDINALITY AS t(elem, ord);
    RETURN masked;
  END IF;
  IF jsonb_typeof(doc) <> 'object' OR NOT doc ? head THEN RETURN doc; END IF;
  IF cardinality(rest) = 0 THEN RETURN jsonb_set(doc, ARRAY[head], '"[redacted]"'::JSONB); END IF;
  RETURN jsonb_set(doc, ARRAY[head], switchyard_mask(doc -> head, rest));
END $$;

-- Masks every path of `paths` (a JSON array of key lists, as switchyard_mask takes them).
CREATE FUNCTION switchyard_redact(doc JSONB, paths JSONB) RETURNS JSONB
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  path JSONB;
BEGIN
  FOR path IN SELECT value FROM jsonb_array_elements(paths) LOOP
    doc := switchyard_mask(doc, ARRAY(SELECT jsonb_array_elements_text(path)));
  END LOOP;
  RETURN doc;
END $$;
