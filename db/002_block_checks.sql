-- stakebts schema v2: the cursor keeps the id of the last block applied, so the next block's `previous` is checked
-- against it (a node that answers with another block, or skips one, is caught); incoming operations are looked up by
-- transaction id, so one transaction can never be applied under two block numbers.
ALTER TABLE cursor ADD COLUMN block_id TEXT CHECK (block_id IS NULL OR (length(block_id) = 40 AND block_id NOT GLOB '*[^0-9a-f]*'));
CREATE INDEX processed_ops_tx ON processed_ops (tx_id, op_in_trx) WHERE tx_id IS NOT NULL;
