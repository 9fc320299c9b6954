-- The journal head keeps only the last sequence number: a writer reads the previous entry's
-- hash in the same statement that takes the head, one statement less while it is held.
ALTER TABLE ledger_head DROP COLUMN hash;
