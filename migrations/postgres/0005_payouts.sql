-- Payouts of earnings to bank accounts, refunds of card payments, and the operators who
-- settle them.

-- Operators see and settle every payout and refund; granted with `tremplin operator grant`.
ALTER TABLE users ADD COLUMN is_operator BIGINT  NOT NULL DEFAULT 0 CHECK (is_operator IN (0, 1));

CREATE TABLE payouts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id    TEXT    NOT NULL UNIQUE,              -- random, named in webhooks
    user_id      BIGINT  NOT NULL REFERENCES users (id),
    amount       BIGINT  NOT NULL CHECK (amount > 0),  -- minor units
    currency     TEXT    NOT NULL,
    iban         TEXT    NOT NULL,                     -- without spaces
    holder       TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('requested', 'processing', 'paid', 'failed')),
    provider     TEXT,                                 -- who was asked to pay it, once sent
    provider_ref TEXT,
    failure      TEXT,                                 -- why it failed
    settled_by   BIGINT  REFERENCES users (id),        -- the operator who settled it by hand
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE INDEX payouts_user ON payouts (user_id, created_at);
CREATE INDEX payouts_state ON payouts (state, created_at);

-- Money given back to the card a payment came from.
CREATE TABLE refunds (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id    TEXT    NOT NULL UNIQUE,
    payment_id   BIGINT  NOT NULL REFERENCES payments (id),
    amount       BIGINT  NOT NULL CHECK (amount > 0),
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
    provider_ref TEXT,
    failure      TEXT,
    created_by   BIGINT  NOT NULL REFERENCES users (id),
    created_at   BIGINT  NOT NULL
);
CREATE INDEX refunds_payment ON refunds (payment_id);

-- The test-mode processor: what it refunded of each checkout, and the payouts it was asked for.
ALTER TABLE test_checkouts ADD COLUMN refunded BIGINT  NOT NULL DEFAULT 0;
CREATE TABLE test_payouts (
    id         TEXT    PRIMARY KEY,
    reference  TEXT    NOT NULL UNIQUE,                -- Tremplin's payout public_id
    amount     BIGINT  NOT NULL,
    iban       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
CREATE TABLE test_refunds (
    id        TEXT    PRIMARY KEY,
    reference TEXT    NOT NULL UNIQUE,                 -- Tremplin's refund public_id
    checkout  TEXT    NOT NULL REFERENCES test_checkouts (id),
    amount    BIGINT  NOT NULL
);
