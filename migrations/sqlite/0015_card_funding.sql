-- A card payment made to fund a deal's escrow: it tops up the brand's wallet, and the escrow is
-- funded from it in the same transaction as the payment's settlement.
ALTER TABLE payments ADD COLUMN deal_id INTEGER REFERENCES deals (id);
