-- 0001: users, items and the AI spend ledger.
CREATE TABLE users (
  id            serial PRIMARY KEY,
  email         text NOT NULL,
  name          text NOT NULL DEFAULT '',
  password_hash text NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_lower_idx ON users (lower(email));

CREATE TABLE items (
  id         serial PRIMARY KEY,
  user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX items_user_id_idx ON items (user_id);

CREATE TABLE ai_usage (
  day      date PRIMARY KEY,
  cost     numeric(12, 4) NOT NULL DEFAULT 0,
  requests integer NOT NULL DEFAULT 0
);
