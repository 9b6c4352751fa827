import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';

export type OutputFormat = 'table' | 'json' | 'csv';

export type Column<T> = { header: string; value: (row: T) => string | number | null };

/** Borders without a rule between rows: long listings stay readable. */
export const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/**
 * Renders rows for people (aligned table), machines (JSON lines: one object per line) or spreadsheets (CSV with
 * correct quoting). JSON lines carry `json(row)` so nested facts survive; the table and CSV carry the columns.
 */
export function formatRows<T>(rows: T[], columns: Column<T>[], format: OutputFormat, json: (row: T) => unknown = (r) => r): string {
  if (format === 'json') return rows.map((r) => `${JSON.stringify(json(r))}\n`).join('');
  if (format === 'csv') {
    return stringify([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r) ?? ''))]);
  }
  const table = new Table({ head: columns.map((c) => c.header), style: { head: [], border: [] }, chars: COMPACT });
  for (const r of rows) table.push(columns.map((c) => String(c.value(r) ?? '')));
  return `${table.toString()}\n`;
}

/** Parses a time filter: integer milliseconds or an ISO-8601 date/time (UTC unless an offset is given). */
export function parseTimeArg(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`"${text}" is not a time (use milliseconds or an ISO date such as 2026-01-31T12:00:00Z)`);
  return ms;
}
