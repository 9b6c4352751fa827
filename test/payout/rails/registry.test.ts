import { describe, expect, it } from 'vitest';
import { configSchema, exchangeAccounts } from '../../../src/config/index.js';
import { isError } from '../../../src/errors/BaseError.js';
import { railEntries } from '../../../src/payout/rails/registry.js';

const parse = (raw: Record<string, unknown>) => configSchema.parse(raw);
const names = (raw: Record<string, unknown>) => railEntries(parse(raw)).map((r) => r.name);
const problem = (raw: Record<string, unknown>): string => {
  try {
    railEntries(parse(raw));
  } catch (err) {
    expect(isError(err, 'CONFIG_INVALID')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected a config error');
};

describe('rails from config: a registry of kinds, instances by entry', () => {
  it('defaults to the broker alone (no exchange keys needed)', () => {
    expect(names({})).toEqual(['broker']);
  });

  it('makes three Bittrex accounts three instances of one kind, in config order', () => {
    const entries = railEntries(
      parse({
        rails: [
          { kind: 'bittrex', account: 2, depositMemo: 'm2' },
          { kind: 'broker' },
          { kind: 'bittrex', account: 1, depositMemo: 'm1', baseUrl: 'https://api.bittrex.com/v3' },
          { kind: 'bittrex', account: 3, depositMemo: 'm3' },
        ],
      }),
    );
    expect(entries.map((e) => e.name)).toEqual(['bittrex2', 'broker', 'bittrex1', 'bittrex3']);
    expect(new Set(entries.filter((e) => e.name !== 'broker').map((e) => e.kind))).toHaveProperty('size', 1);
    // the kind's defaults fill what an entry leaves out
    expect(entries[0]!.entry).toMatchObject({ baseUrl: 'http://127.0.0.1:8091/v3', timeoutMs: 10_000 });
    expect(entries[2]!.entry).toMatchObject({ baseUrl: 'https://api.bittrex.com/v3' });
  });

  it("reads an exchange account's deposit facts once, from config: its own depositAccount, else the shared one", () => {
    const config = parse({
      bittrex: { depositAccount: 'desk-deposit' },
      rails: [
        { kind: 'broker' },
        { kind: 'bittrex', account: 1, depositMemo: 'm1' },
        { kind: 'bittrex', account: 2, depositMemo: 'm2', depositAccount: 'other-deposit' },
      ],
    });
    expect(exchangeAccounts(config)).toEqual([
      { account: 1, depositMemo: 'm1', depositAccount: 'desk-deposit' },
      { account: 2, depositMemo: 'm2', depositAccount: 'other-deposit' },
    ]);
    // the rail holds only the number; it has no second reading of where deposits go
    expect(railEntries(config).map((e) => (e.entry as { depositAccount?: string }).depositAccount)).toEqual([
      undefined,
      undefined,
      'other-deposit',
    ]);
    expect(exchangeAccounts(parse({ rails: [{ kind: 'bittrex', account: 1, depositMemo: 'm' }] }))[0]!.depositAccount).toBe(
      'bittrex-deposit',
    );
  });

  it('reads the older shorthand (payout.rails + bittrex.accounts) as the same rails', () => {
    const legacy = {
      bittrex: {
        baseUrl: 'http://127.0.0.1:9/v3',
        accounts: [
          { index: 1, depositMemo: 'a' },
          { index: 3, depositMemo: 'c' },
        ],
      },
      payout: { rails: ['bittrex3', 'broker', 'bittrex1', 'bittrex2'] },
    };
    const entries = railEntries(parse(legacy));
    // bittrex2 has no account entry: skipped, as before
    expect(entries.map((e) => e.name)).toEqual(['bittrex3', 'broker', 'bittrex1']);
    expect(entries[0]!.entry).toMatchObject({ kind: 'bittrex', account: 3, depositMemo: 'c', baseUrl: 'http://127.0.0.1:9/v3' });
    // without payout.rails: the broker first, then every configured account
    expect(names({ bittrex: legacy.bittrex })).toEqual(['broker', 'bittrex1', 'bittrex3']);
  });

  it.each([
    [{ rails: [{ kind: 'paypal' }] }, 'rails.0: unknown rail kind "paypal" (known: broker, bittrex)'],
    [{ rails: [{ kind: 'broker' }, { kind: 'bittrex', account: 1 }] }, 'rails.1.depositMemo'],
    [{ rails: [{ kind: 'bittrex', account: 9, depositMemo: 'x' }] }, 'rails.0.account'],
    [{ rails: [{ kind: 'broker', extra: 1 }] }, 'rails.0'],
    [{ rails: [{ kind: 'broker' }, { kind: 'broker' }] }, 'rails.1: rail broker is listed twice'],
    [
      {
        rails: [
          { kind: 'bittrex', account: 1, depositMemo: 'a' },
          { kind: 'bittrex', account: 1, depositMemo: 'b' },
        ],
      },
      'rails.1: rail bittrex1 is listed twice',
    ],
  ])('refuses %j with one sentence naming the entry', (raw, text) => {
    expect(problem(raw)).toContain(text);
  });

  it('finds the exchange accounts admin moves name, in either form', () => {
    expect(
      exchangeAccounts(
        parse({
          rails: [
            { kind: 'broker' },
            { kind: 'bittrex', account: 2, depositMemo: 'm2', depositAccount: 'other-deposit' },
            { kind: 'bittrex', account: 1, depositMemo: 'm1' },
          ],
        }),
      ),
    ).toEqual([
      { account: 2, depositMemo: 'm2', depositAccount: 'other-deposit' },
      { account: 1, depositMemo: 'm1', depositAccount: 'bittrex-deposit' },
    ]);
    expect(exchangeAccounts(parse({ bittrex: { depositAccount: 'dep', accounts: [{ index: 3, depositMemo: 'c' }] } }))).toEqual([
      { account: 3, depositMemo: 'c', depositAccount: 'dep' },
    ]);
    expect(exchangeAccounts(parse({}))).toEqual([]);
  });

  it('refuses both forms at once', () => {
    const r = configSchema.safeParse({ rails: [{ kind: 'broker' }], payout: { rails: ['broker'] } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('set either "rails" or the older payout.rails');
  });
});
