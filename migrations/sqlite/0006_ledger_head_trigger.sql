-- The journal head follows each appended entry from inside the insert, so writers waiting on the
-- head wait one statement less. The head's seq already names the batch's last entry: only that
-- one moves the hash.
CREATE TRIGGER ledger_journal_moves_head AFTER INSERT ON ledger_journal
BEGIN UPDATE ledger_head SET hash = NEW.hash WHERE id = 1 AND seq = NEW.seq; END;
