-- Reputation: after a deal completes, each party rates the other once; a creator's average
-- rating and how quickly they answer in deal threads feed discovery.
CREATE TABLE deal_ratings (
    deal_id    INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    rater_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ratee_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment    TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (deal_id, rater_id)
);
CREATE INDEX deal_ratings_by_ratee ON deal_ratings (ratee_id, created_at DESC);

-- Kept by market::store::refresh with the rest of what search reads.
ALTER TABLE creator_markets ADD COLUMN rating_centi INTEGER;     -- average stars x 100; NULL: unrated
ALTER TABLE creator_markets ADD COLUMN response_mins INTEGER;    -- median minutes to answer; NULL: no answers yet
