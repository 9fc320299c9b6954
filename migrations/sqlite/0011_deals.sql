-- Deals between a brand and a creator: terms negotiated in a thread, paid through a ledger hold
-- on the brand's wallet (the escrow) that approval or the end of the review window posts to the
-- creator's earnings.
CREATE TABLE deals (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id    INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
    brand_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    creator_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state          TEXT    NOT NULL CHECK (state IN ('offered', 'accepted', 'funded', 'delivered',
                                                     'completed', 'cancelled', 'disputed')),
    -- The terms on the table: the last offer, made by proposed_by, for the other to accept.
    amount         INTEGER NOT NULL CHECK (amount > 0),
    deliverables   TEXT    NOT NULL,
    due_at         INTEGER NOT NULL,
    proposed_by    TEXT    NOT NULL CHECK (proposed_by IN ('brand', 'creator')),
    hold_id        INTEGER,                     -- the escrow: a pending ledger transfer
    revisions      INTEGER NOT NULL DEFAULT 0,  -- revisions asked so far
    review_until   INTEGER,                     -- set on delivery: auto-release after it
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX deals_by_brand ON deals (brand_id, updated_at DESC);
CREATE INDEX deals_by_creator ON deals (creator_id, updated_at DESC);
CREATE INDEX deals_to_release ON deals (state, review_until);
-- One deal per creator and campaign.
CREATE UNIQUE INDEX deals_one_per_campaign ON deals (campaign_id, creator_id)
    WHERE campaign_id IS NOT NULL;

-- The thread: messages, offers and counter-offers, deliveries, revisions, state changes.
CREATE TABLE deal_messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    deal_id    INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    author_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- NULL: the platform
    kind       TEXT    NOT NULL,
    body       TEXT    NOT NULL DEFAULT '',
    amount     INTEGER,
    due_at     INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX deal_messages_by_deal ON deal_messages (deal_id, id);

-- Deals accepted per campaign, counted under a guard so a campaign for 3 creators never
-- accepts a 4th.
ALTER TABLE campaigns ADD COLUMN accepted INTEGER NOT NULL DEFAULT 0;
