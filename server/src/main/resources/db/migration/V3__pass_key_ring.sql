-- The pass keys become a ring: slot 1 is the current key (signs and verifies), slot 2 the previous
-- one (verifies only, so passes signed just before a rotation live out their time).
-- Keys are kept sealed: AES-256-GCM under a key derived from FOYER_SECRET, with their nonce. SQL
-- cannot see that secret, so a plain-text key from before this version stays in private_pem until
-- the first node that starts seals it (dev.foyer.pass.PassKeys); until then it keeps working as is.
ALTER TABLE pass_keys RENAME COLUMN id TO slot;
ALTER TABLE pass_keys DROP CONSTRAINT pass_keys_id_check;
ALTER TABLE pass_keys ADD CONSTRAINT pass_keys_slot CHECK (slot IN (1, 2));
ALTER TABLE pass_keys ALTER COLUMN private_pem DROP NOT NULL;
ALTER TABLE pass_keys
  ADD COLUMN kid    text,
  ADD COLUMN nonce  bytea,
  ADD COLUMN sealed bytea;
ALTER TABLE pass_keys ADD CONSTRAINT pass_keys_sealed_or_plain CHECK (
  (sealed IS NOT NULL AND nonce IS NOT NULL AND kid IS NOT NULL AND private_pem IS NULL)
  OR (sealed IS NULL AND nonce IS NULL AND private_pem IS NOT NULL));
