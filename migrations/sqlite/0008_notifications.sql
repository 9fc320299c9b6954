-- The notification centre: what happened that concerns a user (a new follower, a payout paid
-- or failed...), written in the transaction of the change itself. read_at is set when they
-- open the centre.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notice     TEXT    NOT NULL,                     -- JSON of notifications::types::Notice
    created_at INTEGER  NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_by_user ON notifications (user_id, id);
