-- What a sold seat cost: its category and price (minor units of the currency) when it was sold.
ALTER TABLE reservations
  ADD COLUMN category text,
  ADD COLUMN price    bigint,
  ADD COLUMN currency text;

-- Places sold in standing (general admission) areas: one row per confirmed standing hold. A sale
-- takes the area's advisory lock and checks the places already sold against the capacity, so
-- PostgreSQL never records more than the area holds, whatever Redis says.
CREATE TABLE standing_sales (
  event_id        text NOT NULL REFERENCES events (id),
  section         text NOT NULL,
  hold_id         text NOT NULL,
  reservation_id  uuid NOT NULL,
  visitor_id      text NOT NULL,
  places          int NOT NULL CHECK (places > 0),
  category        text,
  price           bigint,
  currency        text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, hold_id)
);
CREATE INDEX standing_sales_by_section ON standing_sales (event_id, section);
