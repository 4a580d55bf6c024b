-- Operator keys: one row per key handed out (FOYER_ADMIN_KEY, the bootstrap admin, is not here).
-- Only a SHA-256 of the key is kept: the key is shown once, when it is created. A key is never
-- deleted, only revoked, so the audit log can always name who a key id was.
CREATE TABLE operator_keys (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  key_hash    bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  revoked_at  timestamptz,
  revoked_by  text
);

-- Every change made through the admin API, in the order it was made (id), with who made it.
CREATE TABLE admin_audit (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  key_id    text NOT NULL,
  key_name  text NOT NULL,
  role      text NOT NULL,
  client    text,
  action    text NOT NULL,
  event_id  text,
  details   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX admin_audit_by_event ON admin_audit (event_id, id);
