import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../src/db/checkIntegrity.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { useTempDir } from '../helpers/tempDir.js';
import { BIN, type Desk, oneSentence, runCli, startDesk } from './fixture.js';

const tempDir = useTempDir();
let desk: Desk | undefined;
let daemon: ChildProcess | undefined;
afterEach(async () => {
  daemon?.kill('SIGKILL');
  daemon = undefined;
  await desk?.close();
  desk = undefined;
});
beforeAll(() => {
  if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first');
});

function startInBackground(d: Desk): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', '--password-file', d.passwordFile], {
      cwd: d.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    const onData = (b: Buffer) => {
      text += String(b);
      if (/stakebts started/.test(text)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`daemon exited (${code}): ${text.slice(0, 800)}`)));
  });
}

describe('backups', () => {
  it('`stakebts backup FILE` copies the database online while the daemon writes: checked, private, never over a file', async () => {
    desk = await startDesk(tempDir());
    daemon = await startInBackground(desk);
    desk.chain.produceBlocks(20);
    const file = join(tempDir(), 'copy.sqlite');
    const r = await runCli(['backup', file], desk.dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^Backup written to .*copy\.sqlite: \d+ bytes, \d+ receipts \(chain verified, quick_check ok\), cursor at block (\d+|none), last receipt [0-9a-f]{64}\.\n$/,
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const copy = openDatabase(file, { readonly: true });
    try {
      checkIntegrity(copy);
      expect(verifyReceiptChain(copy).ok).toBe(true);
    } finally {
      copy.close();
    }
    const twice = await runCli(['backup', file], desk.dir);
    expect(twice.code).toBe(2); // a bad value: never over a file
    expect(oneSentence(twice.err)).toMatch(/exists already; choose a new name/);
  }, 60_000);

  it('the daemon writes scheduled, checked backups and keeps the newest N, each with a receipt', async () => {
    desk = await startDesk(tempDir());
    const dir = join(desk.dir, 'backups');
    desk.writeConfig({ backup: { dir, everyMs: 1_000, keep: 2 } });
    daemon = await startInBackground(desk);
    for (let i = 0; i < 12; i++) {
      desk.chain.produceBlocks(1);
      await new Promise((r) => setTimeout(r, 400));
    }
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon?.once('exit', r));
    const files = readdirSync(dir).filter((f) => f.endsWith('.sqlite'));
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^stakebts-\d{8}T\d{6}Z-b\d+\.sqlite$/);
    const db = openDatabase(join(desk.dir, 'stakebts.sqlite'), { readonly: true });
    try {
      const n = (db.prepare(`SELECT count(*) AS n FROM receipts WHERE json_extract(msg, '$.event') = 'backup'`).get() as { n: number }).n;
      expect(n).toBeGreaterThanOrEqual(3);
    } finally {
      db.close();
    }
  }, 60_000);
});
