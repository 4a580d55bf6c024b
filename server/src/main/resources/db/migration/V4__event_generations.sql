-- Which copy of an event's live state Redis holds, set when a node first builds it there: a Redis
-- that later answers without it (restarted empty, flushed, failed over to a replica that never had
-- it) has lost the line, and the node that notices says so and starts a new generation.
CREATE TABLE event_generations (
  event_id    text PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
  generation  text NOT NULL,
  resets      int NOT NULL DEFAULT 0,
  reset_at    timestamptz
);
