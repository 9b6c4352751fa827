import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { auditCommand } from '../../src/cli/commands/audit.js';
import type { SimAccountInput } from '../../src/sim/bittrex/index.js';
import type { SimAccount } from '../../src/sim/chain/index.js';
import { writeKeystore } from '../../src/wallet/createKeystore.js';
import { wrapPayload } from '../../src/wallet/keystoreFormat.js';

const PASSWORD = 'soak keystore password';
/** The lowest scrypt cost the keystore accepts: a test need not pay for production's. */
const FAST_KDF = { N: 2 ** 14, r: 8, p: 1 } as const;

export type AuditReplayRun = { code: number; out: string; ms: number };

/**
 * Runs the real `stakebts audit replay` command (its Commander definition, the default node client over the config's
 * nodes, the keystore unlocked from a password file) on a desk the daemon ran: once from processed_ops, once from a
 * block scan. Nothing is injected but where the output goes.
 */
export async function runAuditReplay(o: {
  dir: string;
  config: Record<string, unknown>;
  broker: Pick<SimAccount, 'name' | 'activeWif' | 'memoWif'>;
  accounts: readonly SimAccountInput[];
}): Promise<Record<'processedOps' | 'blockScan', AuditReplayRun>> {
  const keystore = join(o.dir, 'audit.keystore.json');
  const passwordFile = join(o.dir, 'audit.password');
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  await writeKeystore(
    keystore,
    wrapPayload({
      broker: { account: o.broker.name, activeWif: o.broker.activeWif, memoWif: o.broker.memoWif },
      bittrex: o.accounts.map((a, i) => ({ index: (i + 1) as 1 | 2 | 3, apiKey: a.apiKey, apiSecret: a.apiSecret })),
    }),
    PASSWORD,
    { kdf: FAST_KDF, overwrite: true },
  );
  const cfgFile = join(o.dir, 'audit.config.json');
  writeFileSync(cfgFile, JSON.stringify({ ...o.config, keystore }));
  const run = async (args: string[]): Promise<AuditReplayRun> => {
    const t0 = Date.now();
    let out = '';
    const program = new Command('stakebts').option('--db <file>').option('-c, --config <file>').exitOverride();
    program.addCommand(
      auditCommand({
        write: (t) => {
          out += t;
        },
      }),
    );
    const before = process.exitCode;
    process.exitCode = 0;
    try {
      await program.parseAsync(['node', 'stakebts', '--config', cfgFile, 'audit', 'replay', '--password-file', passwordFile, ...args]);
      return { code: Number(process.exitCode ?? 0), out, ms: Date.now() - t0 };
    } catch (err) {
      return { code: 3, out: `${out}${err instanceof Error ? err.message : String(err)}\n`, ms: Date.now() - t0 };
    } finally {
      process.exitCode = before;
    }
  };
  return { processedOps: await run([]), blockScan: await run(['--from-block', '1']) };
}
