import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { knownSchemaVersion } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { appendReceipt } from '../../src/db/receipts.js';
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

describe('a database written by a newer stakebts', () => {
  it('is refused by start, import and status with one sentence and exit 3, and never written to', async () => {
    desk = await startDesk(tempDir());
    const path = join(desk.dir, 'stakebts.sqlite');
    const db = openDatabase(path);
    appendReceipt(db, 0, { event: 'startup' });
    const version = knownSchemaVersion() + 1;
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, 'future.sql', 0);
    db.close();
    const before = readFileSync(path);
    const stakes = join(desk.dir, 'stakes.txt');
    writeFileSync(stakes, '# no contracts\n');
    const sentence = `stakebts: The database ${path} has schema v${version} but this stakebts build knows up to v${knownSchemaVersion()}; upgrade stakebts or restore a backup made by this version.`;

    for (const args of [['start', '--password-file', desk.passwordFile], ['import', '--file', stakes], ['status']]) {
      const r = await runCli(args, desk.dir, { timeoutMs: 30_000 });
      expect(r.code, `${args[0]}: ${r.err}`).toBe(3);
      expect(oneSentence(r.err)).toBe(sentence);
    }
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(desk.dir).filter((f) => f.includes('before-v'))).toEqual([]);
  });
});
