-- The notification centre: what happened that concerns a user (a new follower, a payout paid
-- or failed...), written in the transaction of the change itself. read_at is set when they
-- open the centre.
CREATE TABLE notifications (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notice     TEXT    NOT NULL,                     -- JSON of notifications::types::Notice
    created_at BIGINT  NOT NULL,
    read_at    BIGINT
);
CREATE INDEX notifications_by_user ON notifications (user_id, id);
