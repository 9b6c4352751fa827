import type { Database } from 'better-sqlite3';
import type { Command } from 'commander';
import { parseTimeArg } from '../../../audit/formatRows.js';
import type { Config } from '../../../config/index.js';
import { openDatabase } from '../../../db/openDatabase.js';
import { BaseError } from '../../../errors/BaseError.js';
import { configFor } from '../shared.js';

export type FormatOpts = { json?: boolean; csv?: boolean };
export type TimeOpts = { since?: string; until?: string; limit?: string };

/** Opens the database read-only for one command and always closes it. */
export function withDb(cmd: Command, fn: (db: Database) => void, config: Config = configFor(cmd)): void {
  const db = openDatabase(config.db, { readonly: true });
  try {
    fn(db);
  } finally {
    db.close();
  }
}

export function timeFilter(opts: TimeOpts): { since?: number; until?: number; limit?: number } {
  const out: { since?: number; until?: number; limit?: number } = {};
  if (opts.since) out.since = usage(() => parseTimeArg(opts.since as string));
  if (opts.until) out.until = usage(() => parseTimeArg(opts.until as string));
  if (opts.limit) out.limit = intArg(opts.limit, '--limit');
  return out;
}

/** Runs `fn`; any error it throws becomes a usage error (exit 2) with the same sentence. */
export function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new BaseError('USAGE', err instanceof Error ? err.message : String(err));
  }
}

export function intArg(text: string, name: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new BaseError('USAGE', `${name} must be a whole number, not "${text}".`);
  return Number(text);
}

/** A filter value from a closed list: anything else is a usage error naming the valid values. */
export function oneOf<T extends string>(text: string, values: readonly T[], name: string): T {
  if (!(values as readonly string[]).includes(text))
    throw new BaseError('USAGE', `${name} must be one of ${values.join(', ')}, not "${text}".`);
  return text as T;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** `--skip-exchanges`, or its older name (skipExchangesOption.ts). */
export function skipsExchanges(opts: { skipExchanges?: boolean; skipBittrex?: boolean }): boolean {
  return opts.skipExchanges === true || opts.skipBittrex === true;
}
