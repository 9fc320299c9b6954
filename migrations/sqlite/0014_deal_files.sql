-- Files a creator uploads as (part of) a delivery. Private to the deal's two parties: served
-- through the deal, never from the public media path.
CREATE TABLE deal_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    deal_id      INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    uploader_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    storage_key  TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL CHECK (size > 0),
    created_at   INTEGER NOT NULL
);
CREATE INDEX deal_files_by_deal ON deal_files (deal_id, id);
