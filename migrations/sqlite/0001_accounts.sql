-- Accounts: every person is a user with one role (fan, creator or brand).
-- Timestamps are Unix seconds (INTEGER here, BIGINT in PostgreSQL) so one code path reads both.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL UNIQUE,           -- stored lower-cased
    handle        TEXT    NOT NULL UNIQUE,           -- stored lower-cased, shown as @handle
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,                  -- argon2id PHC string
    role          TEXT    NOT NULL CHECK (role IN ('fan', 'creator', 'brand')),
    bio           TEXT    NOT NULL DEFAULT '',
    avatar_key    TEXT,                              -- storage key, NULL until uploaded
    created_at    INTEGER NOT NULL
);

-- A brand account's company; exactly one row per user whose role is 'brand'.
CREATE TABLE brands (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    company_name TEXT NOT NULL,
    slug         TEXT NOT NULL UNIQUE,
    website      TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE creator_niches (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    niche   TEXT    NOT NULL,
    PRIMARY KEY (user_id, niche)
);

-- Audience declared by the creator on each social network.
CREATE TABLE social_accounts (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    network   TEXT    NOT NULL,
    followers INTEGER NOT NULL CHECK (followers >= 0),
    PRIMARY KEY (user_id, network)
);

-- Who follows whom on Tremplin itself.
CREATE TABLE follows (
    follower_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    creator_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (follower_id, creator_id),
    CHECK (follower_id <> creator_id)
);
CREATE INDEX follows_creator ON follows (creator_id);

-- Password reset links: only a hash of the token is kept, so a database leak reveals no link.
CREATE TABLE password_resets (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

-- Fixed-window counters for rate limits, shared by every app instance through the database.
CREATE TABLE rate_limits (
    key          TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL
);
