-- Live events: a creator's scheduled show, what they offer during it, and the stage slots
-- fans book. A slot's money is a ledger hold from booking (hold_id), captured when the slot is
-- done and voided on every other end.

CREATE TABLE live_events (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    host_id              INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title                TEXT    NOT NULL,
    description          TEXT    NOT NULL DEFAULT '',
    starts_at            INTEGER NOT NULL,
    planned_secs         INTEGER NOT NULL CHECK (planned_secs > 0),
    state                TEXT    NOT NULL DEFAULT 'scheduled'
                         CHECK (state IN ('scheduled', 'live', 'ended', 'cancelled')),
    currency             TEXT    NOT NULL,
    donation_min         INTEGER NOT NULL CHECK (donation_min > 0),
    donation_message_max INTEGER NOT NULL CHECK (donation_message_max >= 0),
    slot_count           INTEGER NOT NULL CHECK (slot_count >= 0),
    slot_secs            INTEGER NOT NULL CHECK (slot_secs > 0),
    slot_price           INTEGER NOT NULL CHECK (slot_price > 0),
    slot_purpose         TEXT    NOT NULL,
    slots_per_fan        INTEGER NOT NULL CHECK (slots_per_fan > 0),
    cancel_cutoff_secs   INTEGER NOT NULL CHECK (cancel_cutoff_secs >= 0),
    no_show_secs         INTEGER NOT NULL CHECK (no_show_secs > 0),
    -- Slots held or done: booking takes one with a guarded increment, so they sell out
    -- exactly; a refunded slot gives its place back before the event starts.
    slots_taken          INTEGER NOT NULL DEFAULT 0 CHECK (slots_taken BETWEEN 0 AND slot_count),
    started_at           INTEGER,
    ended_at             INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX live_events_by_host ON live_events (host_id, starts_at);
CREATE INDEX live_events_by_start ON live_events (state, starts_at);

CREATE TABLE stage_slots (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id   INTEGER NOT NULL REFERENCES live_events (id) ON DELETE CASCADE,
    fan_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state      TEXT    NOT NULL DEFAULT 'queued',
    -- Queue order: booking order, until the host moves a fan up or down.
    position   INTEGER NOT NULL,
    price      INTEGER NOT NULL CHECK (price > 0),
    currency   TEXT    NOT NULL,
    secs       INTEGER NOT NULL CHECK (secs > 0),  -- grows with free extensions
    extensions INTEGER NOT NULL DEFAULT 0,
    hold_id    INTEGER REFERENCES ledger_transfers (id), -- set in the booking's transaction
    charged    INTEGER CHECK (charged >= 0),        -- once settled
    booked_at  INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,                    -- its state, last
    called_at  INTEGER,                             -- backstage since
    started_at INTEGER,                             -- on stage since
    ends_at    INTEGER,                             -- the stage timer
    settled_at INTEGER,
    -- The booking form's one-time key: sending it twice books one slot.
    request_key TEXT   NOT NULL,
    UNIQUE (fan_id, request_key)
);
CREATE INDEX stage_slots_by_event ON stage_slots (event_id, position);
CREATE INDEX stage_slots_by_fan ON stage_slots (fan_id, event_id);
-- One fan on stage at a time; the clock looks up running timers and backstage calls.
CREATE UNIQUE INDEX stage_slots_one_on_stage ON stage_slots (event_id) WHERE state = 'on_stage';
CREATE INDEX stage_slots_running ON stage_slots (state, ends_at) WHERE state IN ('on_stage', 'backstage');
