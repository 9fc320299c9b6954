-- Journal entries are written by the database itself, in the transaction that changes the
-- transfer, into the inbox; the sealer (`ledger::store::seal`) moves them into the hash-chained
-- journal shortly after. Writers no longer queue on the journal head, which held every money
-- movement of every instance behind one row until its commit.
CREATE TABLE ledger_inbox (
    id          INTEGER PRIMARY KEY,                -- orders the rows present, nothing more
    -- A transfer refused within its own transaction is deleted with its entry (rare, and the
    -- inbox holds about a second of entries: no index).
    transfer_id INTEGER NOT NULL REFERENCES ledger_transfers (id) ON DELETE CASCADE,
    event       TEXT    NOT NULL,
    debit_account  INTEGER NOT NULL,
    credit_account INTEGER NOT NULL,
    currency    TEXT    NOT NULL,
    moved       INTEGER NOT NULL,
    hold_change INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TRIGGER ledger_transfer_created AFTER INSERT ON ledger_transfers
BEGIN
    INSERT INTO ledger_inbox (transfer_id, event, debit_account, credit_account, currency, moved,
                              hold_change, created_at)
    VALUES (NEW.id, NEW.state, NEW.debit_account, NEW.credit_account, NEW.currency,
            COALESCE(NEW.posted_amount, 0),
            CASE WHEN NEW.state = 'pending' THEN NEW.amount ELSE 0 END, NEW.created_at);
END;

CREATE TRIGGER ledger_transfer_resolved AFTER UPDATE OF state ON ledger_transfers
WHEN OLD.state = 'pending' AND NEW.state <> 'pending'
BEGIN
    INSERT INTO ledger_inbox (transfer_id, event, debit_account, credit_account, currency, moved,
                              hold_change, created_at)
    VALUES (NEW.id, NEW.state, NEW.debit_account, NEW.credit_account, NEW.currency,
            COALESCE(NEW.posted_amount, 0), -NEW.amount, NEW.resolved_at);
END;

-- The sealer moves the head itself, once per batch.
DROP TRIGGER ledger_journal_moves_head;

-- Accounts can no longer be deleted or renamed: transfers and journal entries name them by id
-- (on PostgreSQL, without a foreign key; see its migration).
CREATE TRIGGER ledger_account_is_permanent BEFORE DELETE ON ledger_accounts
BEGIN SELECT RAISE(ABORT, 'ledger accounts are permanent'); END;
CREATE TRIGGER ledger_account_keeps_its_owner BEFORE UPDATE OF id, kind, user_id, currency
ON ledger_accounts
WHEN NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.user_id IS NOT OLD.user_id
     OR NEW.currency <> OLD.currency
BEGIN SELECT RAISE(ABORT, 'ledger accounts are permanent'); END;
