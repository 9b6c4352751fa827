import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/openDatabase.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Desk, oneSentence, runCli, startDesk } from './fixture.js';

const tempDir = useTempDir();
let desk: Desk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});
beforeAll(() => {
  if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first (the CLI is tested compiled)');
});

const DAY = 86_400_000;

function contracts(d: Desk): unknown[] {
  const path = join(d.dir, 'stakebts.sqlite');
  if (!existsSync(path)) return [];
  const db = openDatabase(path, { readonly: true });
  try {
    return db.prepare('SELECT user, amount FROM contracts ORDER BY id').all();
  } finally {
    db.close();
  }
}

/** Two legacy clients that exist on the simulated chain and one typo that does not. */
async function deskWithLegacyFile(): Promise<{ d: Desk; file: string }> {
  const d = await startDesk(tempDir());
  d.chain.createAccount('alice-legacy');
  d.chain.createAccount('bob-legacy');
  const now = Date.now();
  const file = join(d.dir, 'stakes.txt');
  writeFileSync(
    file,
    [
      // 95 days in, 1 paid: interest 2, 3 and the principal are overdue: 2000 + 2000 + 25000 BTS.
      `alice-legacy ${now - 95 * DAY} 25000 3 1`,
      // 10 days in: nothing due.
      `bob-legacy ${now - 10 * DAY} 50000 6 0`,
      // 31 days in: interest 1 (16000 BTS) overdue.
      `bob-legacyy ${now - 31 * DAY} 200000 3 0`,
      '',
    ].join('\n'),
  );
  return { d, file };
}

describe('stakebts import checks the accounts on chain', () => {
  it('the dry run shows each account, what falls due at once, and refuses a missing account; the import writes nothing until allowed', async () => {
    const { d, file } = await deskWithLegacyFile();
    desk = d;
    const dry = await runCli(['import', '--dry-run', '--file', file], d.dir);
    expect(dry.code).toBe(1); // a check found something
    const line = (user: string) => dry.out.split('\n').find((l) => l.includes(` ${user} `)) ?? '';
    expect(line('alice-legacy')).toMatch(/│ yes /);
    expect(line('bob-legacy')).toMatch(/│ yes /);
    expect(line('bob-legacyy')).toMatch(/│ MISSING /);
    expect(dry.out).toMatch(/due at once \(at or before [^)]+\): 4 payment\(s\), 45000 BTS\./);
    expect(dry.out).toMatch(/due by the end of the first payout cycle \([^)]+\): 4 payment\(s\), 45000 BTS\./);
    expect(dry.out).toMatch(/accounts on chain: 2 exist, 1 missing \(bob-legacyy\)\./);
    expect(oneSentence(dry.err)).toBe(
      'stakebts: 1 account(s) of the legacy file do not exist on chain (bob-legacyy); the import would be refused (correct the names, or pass --allow-unknown-accounts).',
    );

    const real = await runCli(['import', '--file', file], d.dir);
    expect(real.code).toBe(1);
    expect(oneSentence(real.err)).toMatch(/do not exist on chain \(bob-legacyy\); nothing was imported/);
    expect(contracts(d)).toEqual([]);

    const allowed = await runCli(['import', '--file', file, '--allow-unknown-accounts'], d.dir);
    expect(allowed.code, allowed.err).toBe(0);
    expect(allowed.out).toMatch(/imported 3 contract\(s\), 0 already present\./);
    expect(contracts(d)).toEqual([
      { user: 'alice-legacy', amount: 25_000 },
      { user: 'bob-legacy', amount: 50_000 },
      { user: 'bob-legacyy', amount: 200_000 },
    ]);
  }, 90_000);

  it('with no node reachable, says "not checked" and exits 3 unless the check is skipped on purpose', async () => {
    const { d, file } = await deskWithLegacyFile();
    desk = d;
    d.writeConfig({ nodes: ['ws://127.0.0.1:9'], listener: { callTimeoutMs: 1_000 } });
    const dry = await runCli(['import', '--dry-run', '--file', file], d.dir);
    expect(dry.code).toBe(3); // could not run the check
    expect(dry.out).toMatch(/│ not checked /);
    expect(dry.out).toMatch(/accounts on chain: 3 not checked: no node answered/);
    expect(oneSentence(dry.err)).toMatch(
      /^stakebts: The accounts could not be checked on chain \(no node answered .*\); the import would be refused \(pass --no-account-check to import without the check\)\.$/,
    );
    const real = await runCli(['import', '--file', file], d.dir);
    expect(real.code).toBe(3);
    expect(contracts(d)).toEqual([]);

    const skipped = await runCli(['import', '--file', file, '--no-account-check'], d.dir);
    expect(skipped.code, skipped.err).toBe(0);
    expect(skipped.out).toMatch(/accounts on chain: 3 not checked: skipped \(--no-account-check\)\./);
    expect(contracts(d)).toHaveLength(3);
  }, 90_000);
});
