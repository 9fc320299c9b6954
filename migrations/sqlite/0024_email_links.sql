-- Every link Tremplin emails (a password reset, an address confirmation, a sign-in link) in one
-- table. As before, only a hash of the token is kept, so a database leak reveals no link.
CREATE TABLE email_links (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('reset', 'confirm', 'login')),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX email_links_by_user ON email_links (user_id, purpose);

INSERT INTO email_links (token_hash, user_id, purpose, expires_at, used_at)
SELECT token_hash, user_id, 'reset', expires_at, used_at FROM password_resets;
DROP TABLE password_resets;

-- When the owner proved the address is theirs (by a link mailed to it). Accounts opened before
-- this column existed never did, so they start unconfirmed like new ones.
ALTER TABLE users ADD COLUMN email_confirmed_at INTEGER;
