-- Brand campaigns: what a brand wants made, for how many creators, for how much each.
CREATE TABLE campaigns (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    brand_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title           TEXT    NOT NULL,
    brief           TEXT    NOT NULL,
    niches          INTEGER NOT NULL DEFAULT 0,           -- one bit per niche, as creator_markets
    min_audience    INTEGER NOT NULL DEFAULT 0 CHECK (min_audience >= 0),
    max_audience    INTEGER,                              -- NULL: no ceiling
    budget          INTEGER NOT NULL CHECK (budget > 0),  -- per creator, cents
    creators_wanted INTEGER NOT NULL CHECK (creators_wanted BETWEEN 1 AND 100),
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL CHECK (ends_at >= starts_at),
    free_product    TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'closed')),
    created_at      INTEGER NOT NULL,
    published_at    INTEGER
);
CREATE INDEX campaigns_published ON campaigns (state, published_at DESC);
CREATE INDEX campaigns_by_brand ON campaigns (brand_id, id DESC);

-- What each creator delivers: so many pieces of a format on a network.
CREATE TABLE campaign_deliverables (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    format      TEXT    NOT NULL,
    network     TEXT    NOT NULL,
    count       INTEGER NOT NULL CHECK (count BETWEEN 1 AND 50),
    PRIMARY KEY (campaign_id, format)
);
