-- Journal entries are written by the database itself, in the transaction that changes the
-- transfer, into the inbox; the sealer (`ledger::store::seal`) moves them into the hash-chained
-- journal shortly after. Writers no longer queue on the journal head, which held every money
-- movement of every instance behind one row until its commit.
CREATE TABLE ledger_inbox (
    id          BIGSERIAL PRIMARY KEY,
    -- A transfer refused within its own transaction is deleted with its entry.
    transfer_id BIGINT  NOT NULL REFERENCES ledger_transfers (id) ON DELETE CASCADE,
    event       TEXT    NOT NULL,
    debit_account  BIGINT NOT NULL,
    credit_account BIGINT NOT NULL,
    currency    TEXT    NOT NULL,
    moved       BIGINT  NOT NULL,
    hold_change BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX ledger_inbox_transfer ON ledger_inbox (transfer_id);

CREATE FUNCTION ledger_transfer_to_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ledger_inbox (transfer_id, event, debit_account, credit_account, currency,
                                  moved, hold_change, created_at)
        VALUES (NEW.id, NEW.state, NEW.debit_account, NEW.credit_account, NEW.currency,
                COALESCE(NEW.posted_amount, 0),
                CASE WHEN NEW.state = 'pending' THEN NEW.amount ELSE 0 END, NEW.created_at);
    ELSE
        INSERT INTO ledger_inbox (transfer_id, event, debit_account, credit_account, currency,
                                  moved, hold_change, created_at)
        VALUES (NEW.id, NEW.state, NEW.debit_account, NEW.credit_account, NEW.currency,
                COALESCE(NEW.posted_amount, 0), -NEW.amount, NEW.resolved_at);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER ledger_transfer_created AFTER INSERT ON ledger_transfers
FOR EACH ROW EXECUTE FUNCTION ledger_transfer_to_inbox();
CREATE TRIGGER ledger_transfer_resolved AFTER UPDATE OF state ON ledger_transfers
FOR EACH ROW WHEN (OLD.state = 'pending' AND NEW.state <> 'pending')
EXECUTE FUNCTION ledger_transfer_to_inbox();

-- The sealer moves the head itself, once per batch.
DROP TRIGGER ledger_journal_moves_head ON ledger_journal;
DROP FUNCTION ledger_journal_moves_head();

-- A foreign key from each transfer to its accounts makes every insert share-lock the account
-- rows that concurrent movements are updating, which PostgreSQL records as multixacts: the
-- busiest accounts (a creator during a live event) paid for it twice. The transfer insert
-- checks its accounts in the same statement (`ledger::store::insert`), and accounts can no
-- longer be deleted or renamed.
ALTER TABLE ledger_transfers
    DROP CONSTRAINT ledger_transfers_debit_account_fkey,
    DROP CONSTRAINT ledger_transfers_credit_account_fkey;
CREATE FUNCTION ledger_account_is_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.id <> OLD.id OR NEW.kind <> OLD.kind
       OR NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.currency <> OLD.currency THEN
        RAISE EXCEPTION 'ledger accounts are permanent';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_account_is_permanent BEFORE UPDATE OF id, kind, user_id, currency OR DELETE
ON ledger_accounts FOR EACH ROW EXECUTE FUNCTION ledger_account_is_permanent();
