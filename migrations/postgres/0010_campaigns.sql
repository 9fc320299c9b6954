-- Brand campaigns: what a brand wants made, for how many creators, for how much each.
CREATE TABLE campaigns (
    id              BIGSERIAL PRIMARY KEY,
    brand_id        BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title           TEXT    NOT NULL,
    brief           TEXT    NOT NULL,
    niches          BIGINT  NOT NULL DEFAULT 0,           -- one bit per niche, as creator_markets
    min_audience     BIGINT NOT NULL DEFAULT 0 CHECK (min_audience >= 0),
    max_audience    BIGINT,                               -- NULL: no ceiling
    budget          BIGINT  NOT NULL CHECK (budget > 0),  -- per creator, cents
    creators_wanted BIGINT  NOT NULL CHECK (creators_wanted BETWEEN 1 AND 100),
    starts_at       BIGINT  NOT NULL,
    ends_at         BIGINT  NOT NULL CHECK (ends_at >= starts_at),
    free_product    TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'closed')),
    created_at      BIGINT  NOT NULL,
    published_at    BIGINT
);
CREATE INDEX campaigns_published ON campaigns (state, published_at DESC);
CREATE INDEX campaigns_by_brand ON campaigns (brand_id, id DESC);

-- What each creator delivers: so many pieces of a format on a network.
CREATE TABLE campaign_deliverables (
    campaign_id BIGINT  NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    format      TEXT    NOT NULL,
    network     TEXT    NOT NULL,
    count       BIGINT  NOT NULL CHECK (count BETWEEN 1 AND 50),
    PRIMARY KEY (campaign_id, format)
);
