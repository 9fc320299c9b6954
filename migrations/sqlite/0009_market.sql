-- The creator marketplace profile: what brands search on. A creator is listed once they save it.

-- Engagement rate per network, in basis points (345 = 3.45%).
ALTER TABLE social_accounts ADD COLUMN engagement_bp INTEGER NOT NULL DEFAULT 0
    CHECK (engagement_bp BETWEEN 0 AND 10000);

CREATE TABLE creator_markets (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    language     TEXT    NOT NULL,                  -- the audience's main language (ISO 639-1)
    country      TEXT    NOT NULL,                  -- the audience's main country (ISO 3166-1)
    availability TEXT    NOT NULL CHECK (availability IN ('open', 'busy', 'away')),
    -- Kept by market::store::refresh whenever the niches, networks, rates or profile change,
    -- so a search over every creator filters and sorts on one row each.
    audience      INTEGER NOT NULL DEFAULT 0,       -- followers over every network
    engagement_bp INTEGER NOT NULL DEFAULT 0,       -- audience-weighted over the networks
    niches        INTEGER NOT NULL DEFAULT 0,       -- one bit per niche (market::store::mask)
    networks      INTEGER NOT NULL DEFAULT 0,       -- one bit per network
    min_price     INTEGER,                          -- the cheapest rate, cents; NULL without rates
    base_score    INTEGER NOT NULL DEFAULT 0,       -- market::rules::base_score
    joined_at     INTEGER NOT NULL,                 -- when the creator joined Tremplin
    updated_at    INTEGER NOT NULL
);
CREATE INDEX creator_markets_by_score ON creator_markets (base_score DESC, user_id);
CREATE INDEX creator_markets_by_audience ON creator_markets (audience);
-- Searches on an audience's country or language read only those creators, already in order.
CREATE INDEX creator_markets_by_country ON creator_markets (country, base_score DESC, user_id);
CREATE INDEX creator_markets_by_language ON creator_markets (language, base_score DESC, user_id);

-- The rate card: a price per content format (a format without a row is not offered).
CREATE TABLE creator_rates (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    format  TEXT    NOT NULL,
    price   INTEGER NOT NULL CHECK (price > 0),
    PRIMARY KEY (user_id, format)
);

