-- Events with their settings; the seat layout spec is kept as given, the seats expanded below.
CREATE TABLE events (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  opens_at    timestamptz,
  settings    jsonb NOT NULL,
  layout      jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE seats (
  event_id  text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  seat_id   text NOT NULL,
  section   text NOT NULL,
  row_no    int NOT NULL,
  number    int NOT NULL,
  x         double precision NOT NULL,
  y         double precision NOT NULL,
  PRIMARY KEY (event_id, seat_id)
);

-- One row per sold seat. The primary key is the last line of defence against a double sale;
-- the foreign key keeps a layout change from dropping a sold seat.
CREATE TABLE reservations (
  event_id        text NOT NULL,
  seat_id         text NOT NULL,
  reservation_id  uuid NOT NULL,
  hold_id         text NOT NULL,
  visitor_id      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, seat_id),
  FOREIGN KEY (event_id, seat_id) REFERENCES seats (event_id, seat_id)
);
CREATE INDEX reservations_by_reservation ON reservations (reservation_id);
CREATE INDEX reservations_by_hold ON reservations (event_id, hold_id);

-- The pass-signing key every node shares when none is configured: the first node to start creates it.
CREATE TABLE pass_keys (
  id           int PRIMARY KEY CHECK (id = 1),
  private_pem  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
