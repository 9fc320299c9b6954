-- Files a creator uploads as (part of) a delivery. Private to the deal's two parties: served
-- through the deal, never from the public media path.
CREATE TABLE deal_files (
    id           BIGSERIAL PRIMARY KEY,
    deal_id      BIGINT  NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    uploader_id  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    storage_key  TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL CHECK (size > 0),
    created_at   BIGINT  NOT NULL
);
CREATE INDEX deal_files_by_deal ON deal_files (deal_id, id);
