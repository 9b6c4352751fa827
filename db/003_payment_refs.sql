-- stakebts schema v3: outgoing broker transfers keep the payment reference their memo carries (the broker reads its
-- own memos), so a payment made by an attempt whose record was lost (a restored backup) is recognised, not repeated.
ALTER TABLE chain_transfers_out ADD COLUMN ref TEXT;
CREATE INDEX chain_transfers_out_ref ON chain_transfers_out (ref) WHERE ref IS NOT NULL;
CREATE INDEX payout_attempts_idem ON payout_attempts (idem_key, rail);
