-- Storefronts: products (a creator's own merch or a brand's catalogue), what each creator shows
-- in their shop, affiliate links and their clicks, orders and their lines.

-- A product is sold by its seller: a creator (their merch) or a brand (its catalogue, with a
-- commission for the creator who brings the sale).
CREATE TABLE products (
    id            BIGSERIAL PRIMARY KEY,
    seller_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title         TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    price         BIGINT  NOT NULL CHECK (price > 0),          -- minor units, per item
    shipping      BIGINT  NOT NULL DEFAULT 0 CHECK (shipping >= 0), -- per order line
    currency      TEXT    NOT NULL,
    commission_bp BIGINT  CHECK (commission_bp BETWEEN 0 AND 8000), -- brand products only
    active        BIGINT  NOT NULL DEFAULT 1,                  -- 0: withdrawn from sale
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE INDEX products_by_seller ON products (seller_id, id);
CREATE INDEX products_catalogue ON products (commission_bp, id) WHERE commission_bp IS NOT NULL;

-- Sizes, colours...: each with its own stock. A product without choices has one, named ''.
-- Stock is what can still be sold: checkout takes from it, an abandoned checkout gives back.
CREATE TABLE product_variants (
    id         BIGSERIAL PRIMARY KEY,
    product_id BIGINT  NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    stock      BIGINT  NOT NULL CHECK (stock >= 0),
    position   BIGINT  NOT NULL,
    UNIQUE (product_id, name)
);

CREATE TABLE product_images (
    id          BIGSERIAL PRIMARY KEY,
    product_id  BIGINT  NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    storage_key TEXT    NOT NULL UNIQUE,
    position    BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX product_images_by_product ON product_images (product_id, position);

-- What a creator's shop shows, in their order: their own products and the brand products
-- they chose. When a brand lowers a rate, the creators promoting the product keep the old
-- one (kept_bp) until kept_until.
CREATE TABLE shop_items (
    creator_id BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_id BIGINT  NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position   BIGINT  NOT NULL,
    published  BIGINT  NOT NULL DEFAULT 0,
    kept_bp    BIGINT  CHECK (kept_bp BETWEEN 0 AND 8000),
    kept_until BIGINT,
    added_at   BIGINT  NOT NULL,
    PRIMARY KEY (creator_id, product_id)
);
CREATE INDEX shop_items_by_product ON shop_items (product_id);

-- Affiliate links /r/{code}: one per creator and product, and one for the whole shop
-- (product_key 0).
CREATE TABLE affiliate_links (
    code        TEXT    PRIMARY KEY,
    creator_id  BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_key BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    UNIQUE (creator_id, product_key)
);

-- Clicks, one per link, visitor and day. The attribution cookie names the click's token.
CREATE TABLE link_clicks (
    id         BIGSERIAL PRIMARY KEY,
    token      TEXT    NOT NULL UNIQUE,
    code       TEXT    NOT NULL REFERENCES affiliate_links (code) ON DELETE CASCADE,
    visitor    TEXT    NOT NULL,
    day        BIGINT  NOT NULL,
    clicked_at BIGINT  NOT NULL,
    UNIQUE (code, visitor, day)
);

-- An order is what one buyer bought from one seller, through one creator (or none), in one
-- checkout; a checkout from several makes several orders sharing a checkout id. Pending orders hold their stock until
-- reserved_until; paid ones carry their money as ledger transfers keyed by the order.
CREATE TABLE orders (
    id              BIGSERIAL PRIMARY KEY,
    public_id       TEXT    NOT NULL UNIQUE,
    checkout_id     TEXT    NOT NULL,
    buyer_id        BIGINT  NOT NULL REFERENCES users (id),
    seller_id       BIGINT  NOT NULL REFERENCES users (id),
    creator_id      BIGINT  REFERENCES users (id),             -- who brought the sale, if anyone
    link_code       TEXT,                                      -- through which link, if any
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'paid', 'shipped', 'delivered',
                                                      'refunded', 'expired')),
    currency        TEXT    NOT NULL,
    total           BIGINT  NOT NULL CHECK (total > 0),        -- items and shipping
    commission      BIGINT  NOT NULL DEFAULT 0 CHECK (commission >= 0), -- summed over lines
    refunded        BIGINT  NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= total),
    clawed          BIGINT  NOT NULL DEFAULT 0 CHECK (clawed >= 0 AND clawed <= commission),
    hold_id         BIGINT,                                   -- the pending commission
    commission_released BIGINT  NOT NULL DEFAULT 0,
    ship_name       TEXT    NOT NULL,
    ship_address    TEXT    NOT NULL,
    carrier         TEXT,
    tracking        TEXT,
    reserved_until  BIGINT  NOT NULL,
    returns_until   BIGINT,                                   -- set on delivery
    created_at      BIGINT  NOT NULL,
    paid_at         BIGINT,
    shipped_at      BIGINT,
    delivered_at    BIGINT,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX orders_by_buyer ON orders (buyer_id, id DESC);
CREATE INDEX orders_by_seller ON orders (seller_id, id DESC);
CREATE INDEX orders_by_checkout ON orders (checkout_id);
CREATE INDEX orders_expiring ON orders (state, reserved_until);
CREATE INDEX orders_returns ON orders (commission_released, returns_until);

-- What an order holds: prices and the commission rate as they were at checkout.
CREATE TABLE order_lines (
    id            BIGSERIAL PRIMARY KEY,
    order_id      BIGINT  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id    BIGINT  NOT NULL REFERENCES products (id),
    variant_id    BIGINT  NOT NULL REFERENCES product_variants (id),
    title         TEXT    NOT NULL,
    variant       TEXT    NOT NULL,
    quantity      BIGINT  NOT NULL CHECK (quantity > 0),
    unit_price    BIGINT  NOT NULL CHECK (unit_price > 0),
    shipping      BIGINT  NOT NULL CHECK (shipping >= 0),
    commission_bp BIGINT  NOT NULL DEFAULT 0,
    commission    BIGINT  NOT NULL DEFAULT 0 CHECK (commission >= 0)
);
CREATE INDEX order_lines_by_order ON order_lines (order_id);
CREATE INDEX orders_by_creator ON orders (creator_id, id DESC);

-- A card payment may pay for a checkout: it tops up the buyer's wallet, and the orders are
-- paid from it in the same transaction as the payment's settlement.
ALTER TABLE payments ADD COLUMN checkout_id TEXT;
