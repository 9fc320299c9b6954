-- The live room: every chat line, donation, gift and stage announcement of an event, numbered
-- per event so a client that reconnects asks for exactly what it missed; the gifts a host
-- offers; and the host's moderation (moderators they named, timeouts and bans, slow mode,
-- blocked words).

ALTER TABLE live_events ADD COLUMN room_seq BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE live_events ADD COLUMN slow_mode_secs BIGINT  NOT NULL DEFAULT 0 CHECK (slow_mode_secs >= 0);
-- One word per line, lower case.
ALTER TABLE live_events ADD COLUMN blocked_words TEXT NOT NULL DEFAULT '';

CREATE TABLE room_messages (
    id          BIGSERIAL PRIMARY KEY,
    event_id    BIGINT  NOT NULL REFERENCES live_events (id) ON DELETE CASCADE,
    -- Taken from live_events.room_seq in the message's transaction: no gaps, no repeats.
    seq         BIGINT  NOT NULL,
    kind        TEXT    NOT NULL,
    author_id   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    body        TEXT    NOT NULL DEFAULT '',
    amount      BIGINT,
    gift        TEXT,
    -- For a deletion: the seq of the message taken down.
    target      BIGINT,
    deleted     BIGINT  NOT NULL DEFAULT 0,
    -- A paid message's one-time key: a retried donation posts one message.
    request_key TEXT,
    created_at  BIGINT  NOT NULL,
    UNIQUE (event_id, seq),
    UNIQUE (event_id, request_key)
);
CREATE INDEX room_messages_by_author ON room_messages (event_id, author_id, created_at);

CREATE TABLE event_gifts (
    event_id BIGINT  NOT NULL REFERENCES live_events (id) ON DELETE CASCADE,
    gift     TEXT    NOT NULL,
    price    BIGINT  NOT NULL CHECK (price > 0),
    PRIMARY KEY (event_id, gift)
);

CREATE TABLE room_moderators (
    host_id BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_id BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (host_id, user_id)
);

-- A timeout ends at `until`; a ban has none. Kept per host: a ban holds in all their events.
CREATE TABLE room_sanctions (
    host_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    until      BIGINT,
    by_id      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (host_id, user_id)
);

-- People who asked to be told when an event goes live (a notification and an email then).
CREATE TABLE event_reminders (
    event_id   BIGINT NOT NULL REFERENCES live_events (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
