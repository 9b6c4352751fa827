import { describe, expect, it } from 'vitest';
import { MAX_MEMO_BYTES, parseMemo } from '../../src/domain/parseMemo.js';
import fixtures from '../fixtures/memos.json' with { type: 'json' };

type Row = { memo?: string | null; memoHex?: string; memoRepeat?: [string, number]; note: string };

function input(row: Row): Buffer | string | null {
  if (row.memoHex !== undefined) return Buffer.from(row.memoHex.replace(/\s+/g, ''), 'hex');
  if (row.memoRepeat !== undefined) return row.memoRepeat[0].repeat(row.memoRepeat[1]);
  return row.memo ?? null;
}

describe('parseMemo', () => {
  describe.each(fixtures.valid)('valid: $note', (row) => {
    it(`reads ${JSON.stringify(row.memo)}`, () => {
      expect(parseMemo(input(row))).toEqual(row.expected);
      expect(parseMemo(Buffer.from(row.memo, 'utf8'))).toEqual(row.expected);
    });
  });
  describe.each(fixtures.invalid as (Row & { reason: string })[])('invalid: $note', (row) => {
    it(`rejects with ${row.reason}`, () => {
      expect(parseMemo(input(row))).toEqual({ kind: 'invalid', reason: row.reason });
    });
  });
  it('accepts a memo of exactly the size limit and refuses one byte more', () => {
    const word = 'stop';
    const padded = word + ' '.repeat(MAX_MEMO_BYTES - word.length);
    expect(parseMemo(padded)).toEqual({ kind: 'client', type: 'stop' });
    expect(parseMemo(`${padded} `)).toEqual({ kind: 'invalid', reason: 'memo_too_long' });
  });
  it('never throws on random bytes', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 2_000; i++) {
      const bytes = Buffer.from(Array.from({ length: next() % 64 }, () => next() % 256));
      const parsed = parseMemo(bytes);
      expect(['client', 'manager', 'funding', 'invalid']).toContain(parsed.kind);
    }
  });
});
