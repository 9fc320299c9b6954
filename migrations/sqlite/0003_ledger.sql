-- The ledger: double-entry accounts, transfers between them, and an append-only, hash-chained
-- journal from which every balance can be recomputed (`tremplin ledger verify`).
-- Amounts are integers in minor units (cents).

CREATE TABLE ledger_accounts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    -- wallet, earnings (per user); escrow, processor_clearing, processor_fees, payouts (platform)
    kind           TEXT    NOT NULL,
    user_id        INTEGER REFERENCES users (id),       -- NULL for platform accounts
    currency       TEXT    NOT NULL,
    -- Posted balance: what the account holds. The balances of all accounts sum to zero.
    balance        INTEGER NOT NULL DEFAULT 0,
    -- Reserved by pending transfers out of this account: no longer spendable, not yet moved.
    held           INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
    -- Only outside-world mirrors (the processor's clearing account) may go below zero.
    may_go_negative INTEGER NOT NULL CHECK (may_go_negative IN (0, 1)),
    CHECK (may_go_negative = 1 OR balance - held >= 0)
);
CREATE UNIQUE INDEX ledger_accounts_owner ON ledger_accounts (kind, COALESCE(user_id, 0), currency);

CREATE TABLE ledger_transfers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT    NOT NULL UNIQUE,
    debit_account   INTEGER NOT NULL REFERENCES ledger_accounts (id),
    credit_account  INTEGER NOT NULL REFERENCES ledger_accounts (id),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    currency        TEXT    NOT NULL,
    kind            TEXT    NOT NULL,                   -- top_up, payout, escrow, commission...
    cause           TEXT    NOT NULL,                   -- what caused it: "order:12", "deal:4"
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'posted', 'voided')),
    -- What a posted transfer moved: the amount, or less when a hold was posted partially.
    posted_amount   INTEGER CHECK (posted_amount >= 0 AND posted_amount <= amount),
    expires_at      INTEGER,                            -- pending transfers only
    created_at      INTEGER NOT NULL,
    resolved_at     INTEGER,
    CHECK (debit_account <> credit_account),
    CHECK ((state = 'posted') = (posted_amount IS NOT NULL))
);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account, created_at);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account, created_at);
CREATE INDEX ledger_transfers_expiring ON ledger_transfers (expires_at) WHERE state = 'pending';

-- One entry per change of a transfer. Each entry's hash covers its content and the previous
-- entry's hash, so an edited or deleted entry breaks the chain from that point on.
CREATE TABLE ledger_journal (
    seq         INTEGER PRIMARY KEY,                    -- 1, 2, 3... without gaps
    transfer_id INTEGER NOT NULL REFERENCES ledger_transfers (id),
    event       TEXT    NOT NULL CHECK (event IN ('pending', 'posted', 'voided')),
    debit_account  INTEGER NOT NULL,
    credit_account INTEGER NOT NULL,
    currency    TEXT    NOT NULL,
    moved       INTEGER NOT NULL CHECK (moved >= 0),    -- from debit to credit
    hold_change INTEGER NOT NULL,                       -- on the debit account's `held`
    created_at  INTEGER NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE TRIGGER ledger_journal_no_update BEFORE UPDATE ON ledger_journal
BEGIN SELECT RAISE(ABORT, 'the ledger journal is append-only'); END;
CREATE TRIGGER ledger_journal_no_delete BEFORE DELETE ON ledger_journal
BEGIN SELECT RAISE(ABORT, 'the ledger journal is append-only'); END;

-- The end of the chain. Taking it (UPDATE ... RETURNING) orders journal writers.
CREATE TABLE ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO ledger_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
