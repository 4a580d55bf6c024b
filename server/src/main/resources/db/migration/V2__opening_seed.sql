-- The secret seed of a shuffled opening: its SHA-256 is published before opensAt, the seed after.
ALTER TABLE events ADD COLUMN opening_seed text;
