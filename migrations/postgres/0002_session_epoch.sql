-- Sessions are bound to the password they were opened with: changing or resetting the password
-- bumps the epoch, and a session that carries an older epoch no longer authenticates.
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;
