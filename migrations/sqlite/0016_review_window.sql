-- The time a brand has to review a delivery before the escrow is released on its own: set by
-- the deployment (TREMPLIN_DEAL_REVIEW_HOURS) when the deal opens, so a change of setting never
-- moves the deadline of a deal already under way.
ALTER TABLE deals ADD COLUMN review_secs INTEGER NOT NULL DEFAULT 259200 CHECK (review_secs > 0);
