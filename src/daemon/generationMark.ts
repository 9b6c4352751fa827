import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { holdsReceipt, lastReceipt } from '../db/receipts.js';

/**
 * Where the database's history ended when the daemon last wrote it, kept in a small file beside it
 * (`<database>.state`): the newest receipt's id and hash. The receipts are a hash chain, so a database that does
 * not hold that receipt is not the one the daemon left: an older copy (a restored backup) or a new file. The file is
 * only ever behind the database (written after commits), never ahead, so an ordinary crash never looks like a restore.
 */
export type GenerationMark = { receiptId: number; hash: string; at: number };

const markSchema = z.object({
  version: z.literal(1),
  receiptId: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.number(),
});

export function markPath(realDbPath: string): string {
  return `${realDbPath}.state`;
}

/** The mark, or null when there is none (first start on this path, or a new server) or it is unreadable. */
export function readGenerationMark(realDbPath: string): GenerationMark | null {
  const path = markPath(realDbPath);
  if (!existsSync(path)) return null;
  try {
    const m = markSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    return { receiptId: m.receiptId, hash: m.hash, at: m.at };
  } catch {
    return null;
  }
}

/** Records where the database's history ends now (atomic: write then rename; private). */
export function writeGenerationMark(realDbPath: string, db: Database): GenerationMark | null {
  const last = lastReceipt(db);
  if (!last) return null;
  const mark: GenerationMark = { receiptId: last.id, hash: last.hash, at: Date.now() };
  const path = markPath(realDbPath);
  writeFileSync(`${path}.tmp`, `${JSON.stringify({ version: 1, ...mark })}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  return mark;
}

/**
 * What this database is, compared with what the daemon last left on this path:
 * - `new`: never scanned and no daemon ran on this path;
 * - `continues`: it holds the last receipt the daemon wrote (an ordinary restart, after a crash or not);
 * - `emptied`: a daemon ran on this path, and this database is empty in its place (deleted and recreated): starting
 *   on it would scan from the start block and pay everything again;
 * - `behind`: it does not hold that receipt but has history: an older copy was put in its place (a restored backup) —
 *   payments made since may be missing from it, and must be found on chain and on the exchange before anything is sent;
 * - `unknown`: it has history but nothing to compare with (a backup restored on a new server): treated as `behind`.
 */
export type DatabaseStanding = 'new' | 'continues' | 'emptied' | 'behind' | 'unknown';

export function judgeDatabase(db: Database, hasCursor: boolean, mark: GenerationMark | null): DatabaseStanding {
  if (!mark) return hasCursor ? 'unknown' : 'new';
  if (holdsReceipt(db, mark.receiptId, mark.hash)) return 'continues';
  return hasCursor || lastReceipt(db) !== null ? 'behind' : 'emptied';
}
