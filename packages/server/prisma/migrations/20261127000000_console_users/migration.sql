-- Console sign-in (docs/security.md, "Console sign-in"): people, not API keys.
CREATE TABLE "console_users" (
    "id" UUID NOT NULL,
    -- Stored lowercased, so "Dana" and "dana" are one user.
    "username" TEXT NOT NULL,
    -- scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>: the parameters travel with
    -- the hash, so raising them later does not lock anyone out.
    "password_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "console_users_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "console_users_username_check" CHECK ("username" ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    CONSTRAINT "console_users_role_check" CHECK ("role" IN ('viewer', 'operator', 'admin'))
);
CREATE UNIQUE INDEX "console_users_username_key" ON "console_users"("username");

CREATE TABLE "console_sessions" (
    -- sha256 (hex) of the cookie's token: a database read does not hand out sessions.
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "console_sessions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "console_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "console_users"("id") ON DELETE CASCADE
);
CREATE INDEX "console_sessions_user_id_idx" ON "console_sessions"("user_id");
