-- How an event presents itself to buyers: names and messages per language, and branding (logo,
-- colours, a short text), checked by the API before it is written (dev.foyer.event.EventLook).
ALTER TABLE events ADD COLUMN look jsonb NOT NULL DEFAULT '{}'::jsonb;
