-- An event's cover image and the merch its host pins to it.

-- The cover's key in file storage, served under /media/.
ALTER TABLE live_events ADD COLUMN cover_key TEXT;

-- Products from the host's shop shown on the event page, bought without leaving it.
CREATE TABLE event_merch (
    event_id   INTEGER NOT NULL REFERENCES live_events (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    pinned_at  INTEGER NOT NULL,
    PRIMARY KEY (event_id, product_id)
);

-- The event an order was placed from, for the host's running totals.
ALTER TABLE orders ADD COLUMN event_id INTEGER REFERENCES live_events (id);
CREATE INDEX orders_by_event ON orders (event_id) WHERE event_id IS NOT NULL;
