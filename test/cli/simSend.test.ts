import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptMemo } from '../../src/chain/bitshares/index.js';
import { readSimKeys, type SimDesk, startSimDesk } from '../../src/sim/desk/index.js';
import { useTempDir } from '../helpers/tempDir.js';

/**
 * `stakebts sim send` as a user runs it (the compiled CLI; `npm run build` first) against a `sim up` desk run in this
 * process: exit 0 with the transfer on the chain, 2 for bad input, 3 when the simulator is not running, 1 when the
 * node refuses the transfer, each failure one sentence.
 */

const BIN = resolve('bin/stakebts.js');
const tempDir = useTempDir();
const desks: SimDesk[] = [];
afterEach(async () => {
  for (const d of desks.splice(0)) await d.close();
});

/** Async, so that the simulators in this process keep answering while the CLI runs. */
function send(dir: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, 'sim', 'send', '--dir', dir, ...args], { encoding: 'utf8' }, (error, out, err) =>
      done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, out, err }),
    );
  });
}

function oneSentence(err: string): void {
  expect(err).not.toMatch(/\n\s+at /);
  expect(err.trim().split('\n')).toHaveLength(1);
}

describe('stakebts sim send (compiled CLI)', () => {
  it('sends a stake and a raw memo; refuses bad input with exit 2 and a refused transfer with exit 1', async () => {
    const dir = tempDir();
    const desk = await startSimDesk({ dir, chainPort: 0, bittrexPort: 0, blockIntervalMs: 200 });
    desks.push(desk);
    const broker = (await readSimKeys(dir)).accounts['stakebts-broker']!;
    const [stake, raw, unknown, negative, words, bothMemos, badType, noAmount, refused] = await Promise.all([
      send(dir, ['--from', 'alice', '--amount', '25000', '--memo', 'six_months']),
      send(dir, ['--from', 'carol', '--amount', '0.5', '--memo-text', 'hello']),
      send(dir, ['--from', 'mallory', '--amount', '1']),
      send(dir, ['--from', 'bob', '--amount', '-5']),
      send(dir, ['--from', 'bob', '--amount', 'lots']),
      send(dir, ['--from', 'bob', '--amount', '1', '--memo', 'stop', '--memo-text', 'x']),
      send(dir, ['--from', 'bob', '--amount', '1', '--memo', 'forever']),
      send(dir, ['--from', 'bob']),
      send(dir, ['--from', 'bob', '--amount', '99999999']),
    ]);
    expect(stake.code, stake.err).toBe(0);
    expect(stake.out).toMatch(
      /^sent 25000 BTS from alice to stakebts-broker, memo .*six_months.* \(encrypted\), fee [\d.]+ BTS: tx [0-9a-f]{40}, in block \d+\n$/,
    );
    const txId = /tx ([0-9a-f]{40})/.exec(stake.out)?.[1];
    const onChain = desk.chain.transfersTo('stakebts-broker').find((t) => t.txId === txId);
    expect(onChain).toMatchObject({ fromName: 'alice', amountSats: 2_500_000_000n });
    expect(raw.code, raw.err).toBe(0);
    const rawTx = desk.chain.transfersTo('stakebts-broker').find((t) => t.txId === /tx ([0-9a-f]{40})/.exec(raw.out)?.[1]);
    expect(rawTx?.amountSats).toBe(50_000n);
    const memo = decryptMemo(rawTx!.memo!, broker.memoWif);
    expect(memo.ok && memo.bytes.toString('utf8')).toBe('hello');

    for (const [r, re] of [
      [unknown, /Unknown account mallory/],
      [negative, /--amount must be a positive number/],
      [words, /--amount must be a positive number/],
      [bothMemos, /--memo or --memo-text, not both/],
      [badType, /--memo must be one of three_months, six_months, twelve_months, stop/],
      [noAmount, /--amount is required/],
    ] as const) {
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(re);
      oneSentence(r.err);
    }
    expect(refused.code, refused.err).toBe(1);
    expect(refused.err).toMatch(/The node refused the transfer: .*Insufficient Balance/);
    oneSentence(refused.err);
  }, 120_000);

  it('exits 3 with one sentence when the simulator of the folder is not running, and 2 for a folder without keys', async () => {
    const dir = tempDir();
    const desk = await startSimDesk({ dir, chainPort: 0, bittrexPort: 0, blockIntervalMs: 200 });
    await desk.close();
    const [down, none] = await Promise.all([
      send(dir, ['--from', 'alice', '--amount', '1']),
      send(tempDir(), ['--from', 'alice', '--amount', '1']),
    ]);
    expect(down.code, down.err).toBe(3);
    expect(down.err).toMatch(/does not answer; is `stakebts sim up --dir .*` running\?/);
    oneSentence(down.err);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/holds no simulator keys/);
    oneSentence(none.err);
  }, 120_000);
});
