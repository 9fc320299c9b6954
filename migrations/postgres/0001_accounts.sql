-- Accounts: every person is a user with one role (fan, creator or brand).
-- Timestamps are Unix seconds (BIGINT here, INTEGER in SQLite) so one code path reads both.

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,           -- stored lower-cased
    handle        TEXT    NOT NULL UNIQUE,           -- stored lower-cased, shown as @handle
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,                  -- argon2id PHC string
    role          TEXT    NOT NULL CHECK (role IN ('fan', 'creator', 'brand')),
    bio           TEXT    NOT NULL DEFAULT '',
    avatar_key    TEXT,                              -- storage key, NULL until uploaded
    created_at    BIGINT  NOT NULL
);

-- A brand account's company; exactly one row per user whose role is 'brand'.
CREATE TABLE brands (
    user_id      BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    company_name TEXT NOT NULL,
    slug         TEXT NOT NULL UNIQUE,
    website      TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE creator_niches (
    user_id BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    niche   TEXT    NOT NULL,
    PRIMARY KEY (user_id, niche)
);

-- Audience declared by the creator on each social network.
CREATE TABLE social_accounts (
    user_id   BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    network   TEXT    NOT NULL,
    followers BIGINT  NOT NULL CHECK (followers >= 0),
    PRIMARY KEY (user_id, network)
);

-- Who follows whom on Tremplin itself.
CREATE TABLE follows (
    follower_id BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    creator_id  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (follower_id, creator_id),
    CHECK (follower_id <> creator_id)
);
CREATE INDEX follows_creator ON follows (creator_id);

-- Password reset links: only a hash of the token is kept, so a database leak reveals no link.
CREATE TABLE password_resets (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT
);

-- Fixed-window counters for rate limits, shared by every app instance through the database.
CREATE TABLE rate_limits (
    key          TEXT    PRIMARY KEY,
    window_start BIGINT  NOT NULL,
    hits         BIGINT  NOT NULL
);
