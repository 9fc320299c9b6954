-- The test-mode processor's webhooks that Tremplin has not acknowledged yet. A real processor
-- keeps retrying an event across its own restarts; this one kept its retries only in memory,
-- so a crash (kill -9) between a paid checkout and the webhook lost the payment. A row is
-- written in the same transaction as the checkout's or payout's outcome, and deleted once
-- the webhook endpoint answers 2xx; a worker redelivers what is due, on start and then
-- periodically, on every instance (the `next_at` guard lets one claim each attempt).
CREATE TABLE test_webhook_deliveries (
    id         TEXT    PRIMARY KEY,                    -- the event's id (evt_…)
    body       TEXT    NOT NULL,                       -- the event, signed afresh at each attempt
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL,                       -- unix seconds: when to try again
    created_at INTEGER NOT NULL
);
CREATE INDEX test_webhook_deliveries_due ON test_webhook_deliveries (next_at);
