-- The journal head follows each appended entry from inside the insert, so writers waiting on the
-- head wait one statement less. The head's seq already names the batch's last entry: only that
-- one moves the hash.
CREATE FUNCTION ledger_journal_moves_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ledger_head SET hash = NEW.hash WHERE id = 1 AND seq = NEW.seq;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_journal_moves_head AFTER INSERT ON ledger_journal
FOR EACH ROW EXECUTE FUNCTION ledger_journal_moves_head();
