-- stakebts schema v5: history-first catch-up (issue 15). The history cursor is the last block up to which every
-- broker operation the node's history api listed has been applied; the block scan (table cursor) runs behind it and
-- reads every block in the end. One row, moved forward only, never deleted, like the cursor. The progress columns
-- are what `status` shows (mode, rate, time left): a snapshot, rewritten as the listener goes.
CREATE TABLE catchup (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  history_block  INTEGER NOT NULL CHECK (history_block >= 0),
  history_time   INTEGER NOT NULL,
  mode           TEXT NOT NULL CHECK (mode IN ('history', 'scan')),
  note           TEXT,
  scan_block     INTEGER NOT NULL,
  lib            INTEGER NOT NULL,
  blocks_per_sec INTEGER NOT NULL CHECK (blocks_per_sec >= 0),
  eta_ms         INTEGER CHECK (eta_ms IS NULL OR eta_ms >= 0),
  window         INTEGER NOT NULL CHECK (window >= 1),
  updated_at     INTEGER NOT NULL
) STRICT;
CREATE TRIGGER catchup_no_delete BEFORE DELETE ON catchup BEGIN SELECT RAISE(ABORT, 'append-only: DELETE on catchup is refused'); END;
CREATE TRIGGER catchup_forward_only BEFORE UPDATE ON catchup WHEN NEW.history_block < OLD.history_block
  BEGIN SELECT RAISE(ABORT, 'the history cursor may only move forward'); END;
