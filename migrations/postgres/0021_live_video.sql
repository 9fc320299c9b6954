-- Live video: who may publish to an event's stage.

-- The key the host's encoder (the studio, or OBS) presents to publish the event's main stream.
ALTER TABLE live_events ADD COLUMN stream_key TEXT;

-- The token a fan on stage publishes their camera with; it is only good while the slot is.
ALTER TABLE stage_slots ADD COLUMN stage_token TEXT;
CREATE UNIQUE INDEX stage_slots_by_token ON stage_slots (stage_token) WHERE stage_token IS NOT NULL;
