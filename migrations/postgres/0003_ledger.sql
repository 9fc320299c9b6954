-- The ledger: double-entry accounts, transfers between them, and an append-only, hash-chained
-- journal from which every balance can be recomputed (`tremplin ledger verify`).
-- Amounts are integers in minor units (cents).

CREATE TABLE ledger_accounts (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- wallet, earnings (per user); escrow, processor_clearing, processor_fees, payouts (platform)
    kind           TEXT    NOT NULL,
    user_id        BIGINT  REFERENCES users (id),       -- NULL for platform accounts
    currency       TEXT    NOT NULL,
    -- Posted balance: what the account holds. The balances of all accounts sum to zero.
    balance        BIGINT  NOT NULL DEFAULT 0,
    -- Reserved by pending transfers out of this account: no longer spendable, not yet moved.
    held           BIGINT  NOT NULL DEFAULT 0 CHECK (held >= 0),
    -- Only outside-world mirrors (the processor's clearing account) may go below zero.
    may_go_negative BIGINT  NOT NULL CHECK (may_go_negative IN (0, 1)),
    CHECK (may_go_negative = 1 OR balance - held >= 0)
);
CREATE UNIQUE INDEX ledger_accounts_owner ON ledger_accounts (kind, COALESCE(user_id, 0), currency);

CREATE TABLE ledger_transfers (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key TEXT    NOT NULL UNIQUE,
    debit_account   BIGINT  NOT NULL REFERENCES ledger_accounts (id),
    credit_account  BIGINT  NOT NULL REFERENCES ledger_accounts (id),
    amount          BIGINT  NOT NULL CHECK (amount > 0),
    currency        TEXT    NOT NULL,
    kind            TEXT    NOT NULL,                   -- top_up, payout, escrow, commission...
    cause           TEXT    NOT NULL,                   -- what caused it: "order:12", "deal:4"
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'posted', 'voided')),
    -- What a posted transfer moved: the amount, or less when a hold was posted partially.
    posted_amount   BIGINT  CHECK (posted_amount >= 0 AND posted_amount <= amount),
    expires_at      BIGINT,                          -- pending transfers only
    created_at      BIGINT  NOT NULL,
    resolved_at     BIGINT,
    CHECK (debit_account <> credit_account),
    CHECK ((state = 'posted') = (posted_amount IS NOT NULL))
);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account, created_at);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account, created_at);
CREATE INDEX ledger_transfers_expiring ON ledger_transfers (expires_at) WHERE state = 'pending';

-- One entry per change of a transfer. Each entry's hash covers its content and the previous
-- entry's hash, so an edited or deleted entry breaks the chain from that point on.
CREATE TABLE ledger_journal (
    seq         BIGINT  PRIMARY KEY,                    -- 1, 2, 3... without gaps
    transfer_id BIGINT  NOT NULL REFERENCES ledger_transfers (id),
    event       TEXT    NOT NULL CHECK (event IN ('pending', 'posted', 'voided')),
    debit_account  BIGINT  NOT NULL,
    credit_account BIGINT  NOT NULL,
    currency    TEXT    NOT NULL,
    moved       BIGINT  NOT NULL CHECK (moved >= 0),    -- from debit to credit
    hold_change BIGINT  NOT NULL,                       -- on the debit account's `held`
    created_at  BIGINT  NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE FUNCTION ledger_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the ledger journal is append-only'; END $$;
CREATE TRIGGER ledger_journal_no_change BEFORE UPDATE OR DELETE ON ledger_journal
FOR EACH ROW EXECUTE FUNCTION ledger_journal_append_only();

-- The end of the chain. Taking it (UPDATE ... RETURNING) orders journal writers.
CREATE TABLE ledger_head (
    id   BIGINT  PRIMARY KEY CHECK (id = 1),
    seq  BIGINT  NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO ledger_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
