import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { Secret } from '../wallet/Secret.js';
import { cached } from './statementCache.js';

export const GENESIS_HASH = 'genesis';

export type ReceiptRow = { id: number; nonce: number; now: number; msg: string; prev_hash: string; hash: string };

/** The event facts of a receipt; `event` names what happened (RULES.md "Audit"). */
export type ReceiptMessage = { event: string } & Record<string, unknown>;

/** JSON with bigints as decimal strings: amounts stay exact in receipts. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** The link of the chain: sha256 over the previous hash and this receipt's fields, newline separated. */
export function receiptHash(prevHash: string, nonce: number, now: number, msg: string): string {
  return createHash('sha256').update(`${prevHash}\n${nonce}\n${now}\n${msg}`).digest('hex');
}

/**
 * Appends one receipt, linked to the last one. Call inside the transaction that makes the event happen, so the
 * receipt exists exactly when the event does. The schema re-checks the link (trigger receipts_chain_links).
 * Receipts are built from sanitised facts; as a last line of defence, any secret value known to the process (an API
 * key echoed in an exchange error, say) is replaced by `[REDACTED]` before the message is hashed and stored.
 */
export function appendReceipt(db: Database, nonce: number, msg: ReceiptMessage, now = Date.now()): ReceiptRow {
  const last = cached(db, 'SELECT hash FROM receipts ORDER BY id DESC LIMIT 1').get() as { hash: string } | undefined;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const text = Secret.scrub(toJson(msg));
  const hash = receiptHash(prevHash, nonce, now, text);
  const info = cached(db, 'INSERT INTO receipts (nonce, now, msg, prev_hash, hash) VALUES (?, ?, ?, ?, ?)').run(
    nonce,
    now,
    text,
    prevHash,
    hash,
  );
  return { id: Number(info.lastInsertRowid), nonce, now, msg: text, prev_hash: prevHash, hash };
}

export type ReceiptFilter = {
  user?: string;
  nonce?: number;
  event?: string;
  since?: number;
  until?: number;
  limit?: number;
};

/**
 * Receipts in id order, filtered. `user` matches receipts whose message names the account (user, from or to)
 * or whose nonce is one of the user's contracts.
 */
export function listReceipts(db: Database, filter: ReceiptFilter = {}): ReceiptRow[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.user !== undefined) {
    where.push(`(json_extract(msg, '$.user') = @user OR json_extract(msg, '$.from') = @user OR json_extract(msg, '$.to') = @user
      OR (nonce > 0 AND nonce IN (SELECT id FROM contracts WHERE user = @user)))`);
    params.user = filter.user;
  }
  if (filter.nonce !== undefined) {
    where.push('nonce = @nonce');
    params.nonce = filter.nonce;
  }
  if (filter.event !== undefined) {
    where.push(`json_extract(msg, '$.event') = @event`);
    params.event = filter.event;
  }
  if (filter.since !== undefined) {
    where.push('now >= @since');
    params.since = filter.since;
  }
  if (filter.until !== undefined) {
    where.push('now <= @until');
    params.until = filter.until;
  }
  const sql = `SELECT id, nonce, now, msg, prev_hash, hash FROM receipts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY id ${filter.limit ? 'LIMIT @limit' : ''}`;
  if (filter.limit) params.limit = filter.limit;
  return db.prepare(sql).all(params) as ReceiptRow[];
}

export type ChainCheck = { ok: true; count: number } | { ok: false; count: number; brokenAt: number; reason: string };

/** Walks the whole chain; reports the first receipt whose link or hash does not match its bytes. */
export function verifyReceiptChain(db: Database): ChainCheck {
  let prev = GENESIS_HASH;
  let count = 0;
  for (const row of db.prepare('SELECT id, nonce, now, msg, prev_hash, hash FROM receipts ORDER BY id').iterate() as Iterable<ReceiptRow>) {
    count++;
    if (row.prev_hash !== prev) return { ok: false, count, brokenAt: row.id, reason: 'prev_hash does not match the previous receipt' };
    if (receiptHash(row.prev_hash, row.nonce, row.now, row.msg) !== row.hash) {
      return { ok: false, count, brokenAt: row.id, reason: 'hash does not match the receipt content' };
    }
    prev = row.hash;
  }
  return { ok: true, count };
}

/** The newest receipt's id and hash: where this database's history ends. */
export function lastReceipt(db: Database): { id: number; hash: string } | null {
  return (cached(db, 'SELECT id, hash FROM receipts ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined) ?? null;
}

/** Whether this database holds receipt `id` with exactly this hash. */
export function holdsReceipt(db: Database, id: number, hash: string): boolean {
  return cached(db, 'SELECT 1 FROM receipts WHERE id = ? AND hash = ?').get(id, hash) !== undefined;
}

/**
 * A recovery is under way: the database was found replaced (a `database_replaced` alarm) and the payments it may miss
 * have not all been matched since (no `recovery_complete` receipt after it). Survives restarts in the middle of it.
 */
export function recoveryPending(db: Database): boolean {
  const row = cached(
    db,
    `SELECT
         (SELECT max(id) FROM receipts WHERE json_extract(msg, '$.event') = 'alarm' AND json_extract(msg, '$.kind') = 'database_replaced'
            AND json_extract(msg, '$.standing') IS NOT NULL) AS replaced,
         (SELECT max(id) FROM receipts WHERE json_extract(msg, '$.event') = 'recovery_complete') AS done`,
  ).get() as { replaced: number | null; done: number | null };
  return row.replaced !== null && (row.done === null || row.done < row.replaced);
}

/** Whether a receipt of this event names this exchange withdrawal (e.g. one explained once, never twice). */
export function receiptNamesWithdrawal(db: Database, event: string, withdrawalId: string): boolean {
  return (
    cached(db, `SELECT 1 FROM receipts WHERE json_extract(msg, '$.event') = ? AND json_extract(msg, '$.withdrawalId') = ?`).get(
      event,
      withdrawalId,
    ) !== undefined
  );
}

/** Every receipt of one nonce (a contract's story), in order. */
export function receiptsOfNonce(db: Database, nonce: number): ReceiptRow[] {
  return cached(db, 'SELECT id, nonce, now, msg, prev_hash, hash FROM receipts WHERE nonce = ? ORDER BY id').all(nonce) as ReceiptRow[];
}
