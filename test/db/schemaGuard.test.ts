import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCursor } from '../../src/db/cursor.js';
import { knownSchemaVersion, MIGRATIONS_DIR, migrate, schemaVersion } from '../../src/db/migrate.js';
import type { SchemaMigration } from '../../src/db/migrateWithBackup.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { appendReceipt, listReceipts, verifyReceiptChain } from '../../src/db/receipts.js';
import { isError } from '../../src/errors/BaseError.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();

/** A database as an older build left it: only the migrations up to `version` (copied into a folder of their own). */
async function databaseAt(version: number): Promise<string> {
  const dir = tempDir();
  const older = join(dir, 'migrations');
  mkdirSync(older);
  for (const f of readdirSync(MIGRATIONS_DIR).filter((n) => /^\d{3}_/.test(n) && Number(n.slice(0, 3)) <= version)) {
    copyFileSync(join(MIGRATIONS_DIR, f), join(older, f));
  }
  const path = join(dir, 'stakebts.sqlite');
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  migrate(db, older);
  writeCursor(db, { blockNum: 42, blockTime: 1_000 });
  appendReceipt(db, 0, { event: 'startup' });
  appendReceipt(db, 0, { event: 'shutdown' });
  db.close();
  return path;
}

/** A database written by a newer build: today's schema plus a migration this build has never seen. */
function newerDatabase(): { path: string; version: number } {
  const path = join(tempDir(), 'stakebts.sqlite');
  const db = openDatabase(path);
  appendReceipt(db, 0, { event: 'startup' });
  const version = knownSchemaVersion() + 2;
  db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, `00${version}_future.sql`, 0);
  db.close();
  return { path, version };
}

function refusal(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('not refused');
}

describe('schema guard', () => {
  it('refuses a database of a newer schema in one sentence naming both versions, and leaves the file as it was', () => {
    const { path, version } = newerDatabase();
    const before = readFileSync(path);
    for (const options of [{}, { readonly: true }, { migrate: false }]) {
      const err = refusal(() => openDatabase(path, options));
      expect(isError(err, 'DB_SCHEMA_NEWER')).toBe(true);
      expect(err.message).toBe(
        `The database ${path} has schema v${version} but this stakebts build knows up to v${knownSchemaVersion()}; upgrade stakebts or restore a backup made by this version.`,
      );
    }
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(join(path, '..')).filter((f) => f.includes('before-v'))).toEqual([]);
  });

  it('migrates an older database forward only after a checked backup, with a receipt naming from, to and the copy', async () => {
    const from = 3;
    const path = await databaseAt(from);
    const migrations: SchemaMigration[] = [];
    const db = openDatabase(path, { onSchemaMigrated: (m) => migrations.push(m) });
    const to = knownSchemaVersion();
    expect(to).toBeGreaterThan(from);
    expect(schemaVersion(db)).toBe(to);
    expect(migrations).toHaveLength(1);
    const m = migrations[0]!;
    expect(m).toMatchObject({ from, to });
    expect(m.applied).toEqual(Array.from({ length: to - from }, (_, i) => from + 1 + i));
    expect(m.backup.file).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.v${from}-before-v${to}-\\d{8}T\\d{6}Z\\.sqlite$`),
    );
    expect(statSync(m.backup.file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${m.backup.file}.partial`)).toBe(false);

    // The copy is the database as it was: the old schema, the same receipts, the same cursor.
    const copy = openDatabase(m.backup.file, { readonly: true });
    expect(schemaVersion(copy)).toBe(from);
    expect(verifyReceiptChain(copy)).toEqual({ ok: true, count: 2 });
    expect(m.backup.cursorBlock).toBe(42);
    copy.close();

    const receipts = listReceipts(db, { event: 'schema_migrated' });
    expect(receipts).toHaveLength(1);
    expect(JSON.parse(receipts[0]!.msg)).toMatchObject({ event: 'schema_migrated', from, to, applied: m.applied, backup: m.backup.file });
    expect(verifyReceiptChain(db)).toEqual({ ok: true, count: 3 });
    db.close();

    // Opened again: nothing left to migrate, so no second copy and no second receipt.
    const again = openDatabase(path);
    expect(listReceipts(again, { event: 'schema_migrated' })).toHaveLength(1);
    again.close();
    expect(readdirSync(join(path, '..')).filter((f) => f.includes('before-v'))).toEqual([m.backup.file.split('/').pop()]);
  });

  it('does not migrate an older database opened read-only (an audit never changes the file)', async () => {
    const path = await databaseAt(2);
    const db = openDatabase(path, { readonly: true });
    expect(schemaVersion(db)).toBe(2);
    db.close();
    expect(readdirSync(join(path, '..')).filter((f) => f.includes('before-v'))).toEqual([]);
  });

  it('creates a fresh database without a backup or a migration receipt', () => {
    const dir = tempDir();
    const migrations: SchemaMigration[] = [];
    const db = openDatabase(join(dir, 'stakebts.sqlite'), { onSchemaMigrated: (m) => migrations.push(m) });
    expect(schemaVersion(db)).toBe(knownSchemaVersion());
    expect(listReceipts(db, { event: 'schema_migrated' })).toEqual([]);
    db.close();
    expect(migrations).toEqual([]);
    expect(readdirSync(dir).filter((f) => !/^stakebts\.sqlite(-wal|-shm)?$/.test(f))).toEqual([]);
  });
});
