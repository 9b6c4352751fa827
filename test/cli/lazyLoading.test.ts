import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/tempDir.js';

// The command tree is built from definition modules only; an action's module is imported when its command runs
// (src/cli/lazyAction.ts). Checked on the compiled CLI under a resolve hook that refuses every npm package but
// commander: a definition that imports the daemon, a simulator, zod or the database again fails here (the time it
// saves is measured by bench/cliStartup.mjs, not asserted).
const BIN = resolve('bin/stakebts.js');
const HOOK = resolve('test/helpers/onlyCommanderLoads.mjs');
const tempDir = useTempDir();
beforeAll(() => {
  if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first (the CLI is tested compiled)');
});

function runHooked(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, ['--import', HOOK, BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, STAKEBTS_CONFIG: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('CLI start-up loads no action module', () => {
  it('--version, --help and usage errors run on commander alone, with their usual output and exit codes', () => {
    const dir = tempDir();
    const version = runHooked(['--version'], dir);
    expect(version.err).toBe('');
    expect(version).toMatchObject({ code: 0, out: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    for (const path of [
      [],
      ['status'],
      ['audit', 'receipts'],
      ['audit', 'replay'],
      ['audit', 'report'],
      ['sim', 'send'],
      ['keys', 'add'],
      ['keys', 'rotate-memo'],
      ['import'],
      ['admin', 'loans'],
    ]) {
      const help = runHooked([...path, '--help'], dir);
      expect(help.err, path.join(' ')).toBe('');
      expect(help.code, path.join(' ')).toBe(0);
      expect(help.out).toMatch(
        new RegExp(`^Usage: stakebts${path.length ? ` ${path.join(' ')}` : ''} [\\s\\S]*\nExample:\n {2}\\$ stakebts`),
      );
    }
    // A usage error is found by commander before any action (and its module) is loaded.
    const unknown = runHooked(['status', '--no-such-option'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown option '--no-such-option'/);
    const missing = runHooked(['admin', 'broker-to-bittrex', '--account', '2'], dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/required option '--amount <bts>' not specified/);
    expect(runHooked(['frobnicate'], dir).code).toBe(2);
  });

  it('a command that runs loads its action module, and the hook refuses it (the check above can fail)', () => {
    const dir = tempDir();
    const status = runHooked(['--db', join(dir, 'x.sqlite'), 'status', '--offline'], dir);
    expect(status.code).not.toBe(0);
    expect(status.err).toMatch(/only commander may load here, not \S+/);
  });
});
