-- Card payments through the payment provider, and the webhook events already processed.

CREATE TABLE payments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id    TEXT    NOT NULL UNIQUE,              -- random, in receipt URLs
    user_id      BIGINT  NOT NULL REFERENCES users (id),
    purpose      TEXT    NOT NULL CHECK (purpose IN ('top_up')),
    amount       BIGINT  NOT NULL CHECK (amount > 0),  -- charged to the card, minor units
    currency     TEXT    NOT NULL,
    fee          BIGINT  CHECK (fee >= 0 AND fee <= amount), -- the processor's, once known
    state        TEXT    NOT NULL CHECK (state IN ('created', 'succeeded', 'failed')),
    provider     TEXT    NOT NULL,                     -- test, stripe
    provider_ref TEXT    UNIQUE,                       -- the processor's id for the checkout
    failure      TEXT,                                 -- why it failed, as the processor said
    created_at   BIGINT  NOT NULL,
    completed_at BIGINT 
);
CREATE INDEX payments_user ON payments (user_id, created_at);

-- A webhook event is processed once, however often the processor sends it.
CREATE TABLE webhook_events (
    provider    TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    received_at BIGINT  NOT NULL,
    PRIMARY KEY (provider, event_id)
);

-- The built-in test-mode processor's own records: the checkouts it was asked to run.
CREATE TABLE test_checkouts (
    id          TEXT    PRIMARY KEY,
    reference   TEXT    NOT NULL,                      -- Tremplin's payment public_id
    amount      BIGINT  NOT NULL,
    currency    TEXT    NOT NULL,
    description TEXT    NOT NULL,
    success_url TEXT    NOT NULL,
    cancel_url  TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('open', 'needs_confirmation', 'succeeded', 'declined')),
    created_at  BIGINT  NOT NULL
);
