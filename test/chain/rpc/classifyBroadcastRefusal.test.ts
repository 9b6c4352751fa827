import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyBroadcastRefusal } from '../../../src/chain/rpc/classifyBroadcastRefusal.js';
import { RpcNodeError } from '../../../src/chain/rpc/errors.js';

type Row = {
  description: string;
  shape: string;
  frame: unknown;
  expected: { kind: 'accepted' | 'rejected'; fcName: string; cause?: string; reasonIncludes?: string; reasonMaxLength?: number };
};
const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/broadcastRefusals.json', import.meta.url), 'utf8')) as {
  source: string;
  valid: Row[];
  invalid: Row[];
};

/** Every hex signature and every transaction a frame carries in its rethrow data: none of it belongs in a reason. */
function bulkyData(frame: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && /^[0-9a-f]{130}$/.test(v)) out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(frame);
  return out;
}

function check(row: Row): void {
  const r = classifyBroadcastRefusal(row.frame);
  const want = row.expected;
  expect(r.kind).toBe(want.kind);
  expect(r.fcName).toBe(want.fcName);
  if (r.kind === 'rejected') expect(r.cause).toBe(want.cause);
  if (want.reasonIncludes) expect(r.reason).toContain(want.reasonIncludes);
  expect(r.reason.length).toBeLessThanOrEqual(want.reasonMaxLength ?? 300);
  expect([...r.reason].some((ch) => ch.charCodeAt(0) < 0x20)).toBe(false);
  for (const sig of bulkyData(row.frame)) expect(r.reason).not.toContain(sig);
}

describe('classifyBroadcastRefusal: whole node error frames (test/fixtures/broadcastRefusals.json)', () => {
  it('the fixture names its sources and covers both shapes', () => {
    expect(fixtures.source).toMatch(/db_block\.cpp/);
    expect(new Set(fixtures.valid.map((r) => r.shape))).toEqual(new Set(['bitshares-core-7', 'legacy-code-1']));
  });
  for (const row of fixtures.valid) it(`valid [${row.shape}] ${row.description}`, () => check(row));
  for (const row of fixtures.invalid) it(`invalid: ${row.description}`, () => check(row));

  it('a real assert frame is never decided by data.message, which holds only "Assert Exception"', () => {
    const expired = fixtures.valid.find((r) => r.shape === 'bitshares-core-7' && /expired/.test(r.description))!;
    const frame = expired.frame as { data: { message: string } };
    expect(frame.data.message).toBe('Assert Exception');
    expect(classifyBroadcastRefusal(frame)).toMatchObject({ kind: 'rejected', cause: 'transient' });
  });
});

describe('RpcNodeError over a real frame', () => {
  it('keeps the raw frame (not enumerable) for the classifier, and details from the formatted log, not data.message', () => {
    const row = fixtures.valid.find((r) => r.shape === 'bitshares-core-7' && /for the amount/.test(r.description))!;
    const err = new RpcNodeError({ url: 'ws://node', method: 'broadcast_transaction', error: row.frame as object });
    expect([err.fcName, err.fcCode, err.rpcCode]).toEqual(['assert_exception', 10, 10]);
    expect(err.details).toContain("Insufficient Balance: 1234.56789 BTS, unable to transfer '25000 BTS'");
    expect(Object.keys(err)).not.toContain('frame');
    expect(JSON.stringify(err)).not.toContain('signatures');
    expect(classifyBroadcastRefusal(err.frame)).toMatchObject({ kind: 'rejected', cause: 'funds' });
  });
});
