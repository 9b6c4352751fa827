-- stakebts schema v4: treasury top-ups (payout.mode "topup"). Before a cycle pays clients from the broker, a shortfall
-- against what falls due within terms.coverDays is withdrawn from an exchange account to the broker. The payment
-- itself is a payouts row (purpose bittrex_to_broker, memo "funding"); this table says which rail it is pinned to and
-- why it was made. Append-only.
CREATE TABLE treasury_topups (
  payout_id      INTEGER PRIMARY KEY REFERENCES payouts (id),
  rail           TEXT NOT NULL,
  seq            INTEGER NOT NULL CHECK (seq > 0),
  shortfall_sats INTEGER NOT NULL CHECK (shortfall_sats > 0),
  due_sats       INTEGER NOT NULL,
  broker_sats    INTEGER NOT NULL,
  created_at     INTEGER NOT NULL,
  UNIQUE (rail, seq)
);
CREATE TRIGGER treasury_topups_no_delete BEFORE DELETE ON treasury_topups BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on treasury_topups is refused'); END;
CREATE TRIGGER treasury_topups_no_update BEFORE UPDATE ON treasury_topups BEGIN SELECT RAISE(ABORT, 'append-only: UPDATE on treasury_topups is refused'); END;
