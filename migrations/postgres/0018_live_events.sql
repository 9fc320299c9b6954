-- Live events: a creator's scheduled show, what they offer during it, and the stage slots
-- fans book. A slot's money is a ledger hold from booking (hold_id), captured when the slot is
-- done and voided on every other end.

CREATE TABLE live_events (
    id                   BIGSERIAL PRIMARY KEY,
    host_id              BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title                TEXT    NOT NULL,
    description          TEXT    NOT NULL DEFAULT '',
    starts_at            BIGINT  NOT NULL,
    planned_secs         BIGINT  NOT NULL CHECK (planned_secs > 0),
    state                TEXT    NOT NULL DEFAULT 'scheduled'
                         CHECK (state IN ('scheduled', 'live', 'ended', 'cancelled')),
    currency             TEXT    NOT NULL,
    donation_min         BIGINT  NOT NULL CHECK (donation_min > 0),
    donation_message_max BIGINT  NOT NULL CHECK (donation_message_max >= 0),
    slot_count           BIGINT  NOT NULL CHECK (slot_count >= 0),
    slot_secs            BIGINT  NOT NULL CHECK (slot_secs > 0),
    slot_price           BIGINT  NOT NULL CHECK (slot_price > 0),
    slot_purpose         TEXT    NOT NULL,
    slots_per_fan        BIGINT  NOT NULL CHECK (slots_per_fan > 0),
    cancel_cutoff_secs   BIGINT  NOT NULL CHECK (cancel_cutoff_secs >= 0),
    no_show_secs         BIGINT  NOT NULL CHECK (no_show_secs > 0),
    -- Slots held or done: booking takes one with a guarded increment, so they sell out
    -- exactly; a refunded slot gives its place back before the event starts.
    slots_taken          BIGINT  NOT NULL DEFAULT 0 CHECK (slots_taken BETWEEN 0 AND slot_count),
    started_at           BIGINT,
    ended_at             BIGINT,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL
);
CREATE INDEX live_events_by_host ON live_events (host_id, starts_at);
CREATE INDEX live_events_by_start ON live_events (state, starts_at);

CREATE TABLE stage_slots (
    id         BIGSERIAL PRIMARY KEY,
    event_id   BIGINT  NOT NULL REFERENCES live_events (id) ON DELETE CASCADE,
    fan_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state      TEXT    NOT NULL DEFAULT 'queued',
    -- Queue order: booking order, until the host moves a fan up or down.
    position   BIGINT  NOT NULL,
    price      BIGINT  NOT NULL CHECK (price > 0),
    currency   TEXT    NOT NULL,
    secs       BIGINT  NOT NULL CHECK (secs > 0),  -- grows with free extensions
    extensions BIGINT  NOT NULL DEFAULT 0,
    hold_id    BIGINT  REFERENCES ledger_transfers (id), -- set in the booking's transaction
    charged    BIGINT  CHECK (charged >= 0),        -- once settled
    booked_at  BIGINT  NOT NULL,
    changed_at BIGINT  NOT NULL,                    -- its state, last
    called_at  BIGINT,                             -- backstage since
    started_at BIGINT,                             -- on stage since
    ends_at    BIGINT,                             -- the stage timer
    settled_at BIGINT,
    -- The booking form's one-time key: sending it twice books one slot.
    request_key TEXT   NOT NULL,
    UNIQUE (fan_id, request_key)
);
CREATE INDEX stage_slots_by_event ON stage_slots (event_id, position);
CREATE INDEX stage_slots_by_fan ON stage_slots (fan_id, event_id);
-- One fan on stage at a time; the clock looks up running timers and backstage calls.
CREATE UNIQUE INDEX stage_slots_one_on_stage ON stage_slots (event_id) WHERE state = 'on_stage';
CREATE INDEX stage_slots_running ON stage_slots (state, ends_at) WHERE state IN ('on_stage', 'backstage');
