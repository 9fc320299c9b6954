-- The cancellation deadline a fan booked a stage slot under. Like the price and the length, it
-- is fixed when they pay: a host who lengthens the cut-off afterwards cannot take away a
-- cancellation the fan was promised.
ALTER TABLE stage_slots ADD COLUMN cancel_until BIGINT NOT NULL DEFAULT 0;

UPDATE stage_slots SET cancel_until = (
    SELECT e.starts_at - e.cancel_cutoff_secs FROM live_events e WHERE e.id = stage_slots.event_id
);
