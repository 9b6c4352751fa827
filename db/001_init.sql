-- stakebts schema v1. Nothing is ever deleted: every table refuses DELETE; receipts refuse UPDATE too.
-- Amounts: contract rows in whole BTS (RULES.md), payments in satoshis. Times: integer ms UTC.

CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT;

-- The block cursor: the last block whose effects are committed. One row, moved in the same transaction as the block's effects.
CREATE TABLE cursor (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  block_num  INTEGER NOT NULL CHECK (block_num >= 0),
  block_time INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- Every incoming operation handled, by its position on chain; the primary key makes a replay a no-op.
CREATE TABLE processed_ops (
  block_num    INTEGER NOT NULL,
  trx_in_block INTEGER NOT NULL,
  op_in_trx    INTEGER NOT NULL,
  tx_id        TEXT,
  from_id      TEXT NOT NULL,
  amount_sats  INTEGER NOT NULL,
  asset_id     TEXT NOT NULL,
  outcome      TEXT NOT NULL,
  block_time   INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (block_num, trx_in_block, op_in_trx)
) STRICT;

-- One row per contract; source_key makes creation idempotent ('op:B:T:O' for chain stakes, 'import:…' for legacy lines).
CREATE TABLE contracts (
  id           INTEGER PRIMARY KEY,
  source_key   TEXT NOT NULL UNIQUE,
  user         TEXT NOT NULL,
  user_id      TEXT,
  amount       INTEGER NOT NULL CHECK (amount > 0),
  months       INTEGER NOT NULL CHECK (months > 0),
  start        INTEGER NOT NULL,
  block        INTEGER NOT NULL,
  trx_in_block INTEGER,
  op_in_trx    INTEGER,
  origin       TEXT NOT NULL CHECK (origin IN ('chain', 'import')),
  created_at   INTEGER NOT NULL
) STRICT;

-- Every payment a contract may ever owe, written up front (RULES.md "New contract").
CREATE TABLE stakes (
  id           INTEGER PRIMARY KEY,
  contract_id  INTEGER NOT NULL REFERENCES contracts (id),
  user         TEXT NOT NULL,
  token        TEXT NOT NULL DEFAULT 'BTS',
  amount       INTEGER NOT NULL CHECK (amount >= 0),
  type         TEXT NOT NULL,
  start        INTEGER NOT NULL,
  due          INTEGER NOT NULL,
  processed    INTEGER,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'aborted', 'premature')),
  block        INTEGER NOT NULL,
  trx_in_block INTEGER,
  op_in_trx    INTEGER,
  number       INTEGER NOT NULL,
  UNIQUE (contract_id, type, number)
) STRICT;
CREATE INDEX stakes_due_pending ON stakes (due) WHERE status = 'pending';
CREATE INDEX stakes_user ON stakes (user, status);

-- Outgoing payments: one intent per thing paid (source_key), written before anything is sent.
CREATE TABLE payouts (
  id              INTEGER PRIMARY KEY,
  uuid            TEXT NOT NULL UNIQUE,
  source_key      TEXT NOT NULL UNIQUE,
  purpose         TEXT NOT NULL CHECK (purpose IN ('contract_receipt', 'interest', 'principal', 'stop', 'refund',
                    'support_notice', 'bittrex_to_broker', 'broker_to_bittrex')),
  contract_id     INTEGER REFERENCES contracts (id),
  stake_id        INTEGER REFERENCES stakes (id),
  recipient       TEXT NOT NULL,
  recipient_id    TEXT,
  amount_sats     INTEGER NOT NULL CHECK (amount_sats > 0),
  memo            TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'unknown', 'submitted', 'paid', 'failed')),
  rail            TEXT,
  external_id     TEXT,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  paid_at         INTEGER
) STRICT;
CREATE INDEX payouts_state ON payouts (state, next_attempt_at);
CREATE INDEX payouts_contract ON payouts (contract_id);
CREATE INDEX payouts_stake ON payouts (stake_id);
CREATE INDEX payouts_recipient ON payouts (recipient);

-- One row per try on one rail; idem_key is the rail's dedupe key (Bittrex clientWithdrawalId, or the chain tx id).
CREATE TABLE payout_attempts (
  id            INTEGER PRIMARY KEY,
  payout_id     INTEGER NOT NULL REFERENCES payouts (id),
  attempt_no    INTEGER NOT NULL,
  rail          TEXT NOT NULL,
  idem_key      TEXT NOT NULL UNIQUE,
  request       TEXT NOT NULL,
  tx_expiration INTEGER,
  state         TEXT NOT NULL CHECK (state IN ('intent', 'submitted', 'unknown', 'paid', 'rejected', 'cancelled', 'expired')),
  external_id   TEXT,
  result        TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (payout_id, attempt_no)
) STRICT;
-- At most one live attempt per payout: failover needs a definite "not sent" first.
CREATE UNIQUE INDEX payout_attempts_one_live ON payout_attempts (payout_id)
  WHERE state NOT IN ('rejected', 'cancelled', 'expired');

-- Audit receipts, hash-chained: hash = sha256(prev_hash | nonce | now | msg), computed by src/db/receipts.ts.
CREATE TABLE receipts (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  nonce     INTEGER NOT NULL,
  now       INTEGER NOT NULL,
  msg       TEXT NOT NULL CHECK (json_valid(msg)),
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX receipts_nonce ON receipts (nonce);
CREATE INDEX receipts_now ON receipts (now);

-- Transfers out of the broker seen in irreversible blocks: the chain rail's evidence that a payment happened.
CREATE TABLE chain_transfers_out (
  block_num    INTEGER NOT NULL,
  trx_in_block INTEGER NOT NULL,
  op_in_trx    INTEGER NOT NULL,
  tx_id        TEXT,
  to_id        TEXT NOT NULL,
  amount_sats  INTEGER NOT NULL,
  asset_id     TEXT NOT NULL,
  block_time   INTEGER NOT NULL,
  payout_id    INTEGER REFERENCES payouts (id),
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (block_num, trx_in_block, op_in_trx)
) STRICT;
CREATE INDEX chain_transfers_out_tx ON chain_transfers_out (tx_id);

-- Loans from managers to the broker (RULES.md "loan_to_broker").
CREATE TABLE loans (
  id           INTEGER PRIMARY KEY,
  source_key   TEXT NOT NULL UNIQUE,
  manager      TEXT NOT NULL,
  manager_id   TEXT,
  amount_sats  INTEGER NOT NULL CHECK (amount_sats > 0),
  block        INTEGER,
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX loans_manager ON loans (manager);

-- Admin instructions (memo or CLI), executed once.
CREATE TABLE admin_actions (
  id          INTEGER PRIMARY KEY,
  source_key  TEXT NOT NULL UNIQUE,
  manager     TEXT NOT NULL,
  action      TEXT NOT NULL,
  amount_sats INTEGER NOT NULL,
  account     INTEGER,
  outcome     TEXT NOT NULL,
  payout_id   INTEGER REFERENCES payouts (id),
  created_at  INTEGER NOT NULL
) STRICT;

-- Append-only guards.
CREATE TRIGGER schema_migrations_no_delete BEFORE DELETE ON schema_migrations BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on schema_migrations is refused'); END;
CREATE TRIGGER cursor_no_delete BEFORE DELETE ON cursor BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on cursor is refused'); END;
CREATE TRIGGER cursor_forward_only BEFORE UPDATE ON cursor WHEN NEW.block_num < OLD.block_num
  BEGIN SELECT RAISE(ABORT, 'cursor may only move forward'); END;
CREATE TRIGGER processed_ops_no_delete BEFORE DELETE ON processed_ops BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on processed_ops is refused'); END;
CREATE TRIGGER processed_ops_no_update BEFORE UPDATE ON processed_ops BEGIN SELECT RAISE(ABORT, 'append-only: UPDATE on processed_ops is refused'); END;
CREATE TRIGGER contracts_no_delete BEFORE DELETE ON contracts BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on contracts is refused'); END;
CREATE TRIGGER contracts_no_update BEFORE UPDATE ON contracts BEGIN SELECT RAISE(ABORT, 'append-only: UPDATE on contracts is refused'); END;
CREATE TRIGGER stakes_no_delete BEFORE DELETE ON stakes BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on stakes is refused'); END;
CREATE TRIGGER stakes_terms_frozen BEFORE UPDATE OF contract_id, user, token, amount, type, start, due, block, trx_in_block, op_in_trx, number ON stakes
  BEGIN SELECT RAISE(ABORT, 'stakes: the terms of a row never change'); END;
CREATE TRIGGER stakes_status_from_pending BEFORE UPDATE OF status ON stakes WHEN OLD.status <> 'pending' AND NEW.status <> OLD.status
  BEGIN SELECT RAISE(ABORT, 'stakes: only a pending row changes status'); END;
CREATE TRIGGER payouts_no_delete BEFORE DELETE ON payouts BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on payouts is refused'); END;
CREATE TRIGGER payouts_terms_frozen BEFORE UPDATE OF uuid, source_key, purpose, contract_id, stake_id, recipient, recipient_id, amount_sats, memo, created_at ON payouts
  BEGIN SELECT RAISE(ABORT, 'payouts: what a payment pays never changes'); END;
CREATE TRIGGER payouts_paid_final BEFORE UPDATE OF state ON payouts WHEN OLD.state = 'paid' AND NEW.state <> 'paid'
  BEGIN SELECT RAISE(ABORT, 'payouts: a paid payment stays paid'); END;
CREATE TRIGGER payout_attempts_no_delete BEFORE DELETE ON payout_attempts BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on payout_attempts is refused'); END;
CREATE TRIGGER payout_attempts_frozen BEFORE UPDATE OF payout_id, attempt_no, rail, idem_key, request, tx_expiration, created_at ON payout_attempts
  BEGIN SELECT RAISE(ABORT, 'payout_attempts: what was sent never changes'); END;
CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on receipts is refused'); END;
CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts BEGIN SELECT RAISE(ABORT, 'append-only: UPDATE on receipts is refused'); END;
CREATE TRIGGER receipts_chain_links BEFORE INSERT ON receipts
  WHEN NEW.prev_hash IS NOT COALESCE((SELECT hash FROM receipts ORDER BY id DESC LIMIT 1), 'genesis')
  BEGIN SELECT RAISE(ABORT, 'receipts: prev_hash does not link to the last receipt'); END;
CREATE TRIGGER chain_transfers_out_no_delete BEFORE DELETE ON chain_transfers_out BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on chain_transfers_out is refused'); END;
CREATE TRIGGER chain_transfers_out_no_update BEFORE UPDATE ON chain_transfers_out BEGIN SELECT RAISE(ABORT, 'append-only: UPDATE on chain_transfers_out is refused'); END;
CREATE TRIGGER loans_no_delete BEFORE DELETE ON loans BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on loans is refused'); END;
CREATE TRIGGER loans_no_update BEFORE UPDATE ON loans BEGIN SELECT RAISE(ABORT, 'append-only: UPDATE on loans is refused'); END;
CREATE TRIGGER admin_actions_no_delete BEFORE DELETE ON admin_actions BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on admin_actions is refused'); END;
