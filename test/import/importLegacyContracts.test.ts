import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { isError } from '../../src/errors/BaseError.js';
import { ImportInvalidError, importLegacyContracts } from '../../src/import/importLegacyContracts.js';
import { loadStakesFile } from '../../src/import/loadStakesFile.js';
import { useTempDir } from '../helpers/tempDir.js';

const terms = parseConfig({}).terms;
const tempDir = useTempDir();
const NOW = Date.UTC(2026, 10, 26);
const D = Date.UTC(2026, 0, 1);

const GOOD = `
# a comment line
alice   ${D}  25000  3   1
bob\t${D + 1}\t200000\t12\t12   # trailing comment

carol.x ${D + 2} 10000000 6 0
`;

const count = (db: ReturnType<typeof openDatabase>, t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;

describe('legacy import', () => {
  it('writes exactly the rows of a new contract, with paid interest and the contract row paid', () => {
    const db = openDatabase(join(tempDir(), 'db.sqlite'));
    const result = importLegacyContracts(db, GOOD, terms, { now: NOW });
    expect(result.imported.map((c) => [c.line, c.user, c.contractId])).toEqual([
      [3, 'alice', 1],
      [4, 'bob', 2],
      [6, 'carol.x', 3],
    ]);
    const rows = db.prepare(`SELECT type, number, amount, due, status, processed FROM stakes WHERE contract_id = 1 ORDER BY id`).all();
    const M = 2_592_000_000;
    expect(rows).toEqual([
      { type: 'contract_3', number: 0, amount: 1, due: D, status: 'paid', processed: D },
      { type: 'principal', number: 0, amount: 25_000, due: D + 3 * M, status: 'pending', processed: null },
      { type: 'penalty', number: 0, amount: 3_750, due: D + 3 * M, status: 'pending', processed: null },
      { type: 'interest', number: 1, amount: 2_000, due: D + M, status: 'paid', processed: D + M },
      { type: 'interest', number: 2, amount: 2_000, due: D + 2 * M, status: 'pending', processed: null },
      { type: 'interest', number: 3, amount: 2_000, due: D + 3 * M, status: 'pending', processed: null },
    ]);
    expect(count(db, 'stakes')).toBe(6 + 15 + 9);
    expect(db.prepare(`SELECT count(*) AS n FROM stakes WHERE contract_id = 2 AND type = 'interest' AND status = 'paid'`).get()).toEqual({
      n: 12,
    });
    // Nothing is sent for an import: no payout intent at all.
    expect(count(db, 'payouts')).toBe(0);
    expect(count(db, 'receipts')).toBe(3);
    expect(verifyReceiptChain(db)).toEqual({ ok: true, count: 3 });
  });

  it('is idempotent: a second run adds nothing', () => {
    const db = openDatabase(join(tempDir(), 'db.sqlite'));
    importLegacyContracts(db, GOOD, terms, { now: NOW });
    const before = [count(db, 'contracts'), count(db, 'stakes'), count(db, 'receipts')];
    const again = importLegacyContracts(db, GOOD, terms, { now: NOW });
    expect(again.imported).toEqual([]);
    expect(again.alreadyPresent).toHaveLength(3);
    expect([count(db, 'contracts'), count(db, 'stakes'), count(db, 'receipts')]).toEqual(before);
  });

  it('is atomic: one bad line writes nothing, and every bad line is reported with its number and reason', () => {
    const db = openDatabase(join(tempDir(), 'db.sqlite'));
    const text = `${GOOD}
dave ${D} 12345 3 0
Eve ${D} 25000 3 0
frank ${Math.floor(D / 1000)} 25000 3 0
gina ${D} 25000 4 0
hank ${D} 25000 3 4
ivan ${D} 25000 3
alice   ${D}  25000  3   1
judy ${NOW + 1} 25000 3 0
kate ${D} 25000.5 3 0
`;
    let caught: unknown;
    try {
      importLegacyContracts(db, text, terms, { now: NOW });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ImportInvalidError);
    expect(isError(caught, 'IMPORT_INVALID')).toBe(true);
    const errors = (caught as ImportInvalidError).lineErrors;
    expect(errors.map((e) => [e.line, e.reason])).toEqual([
      [8, 'amount "12345" is not an allowed stake amount'],
      [9, '"Eve" is not a BitShares account name'],
      [10, `start_ms ${Math.floor(D / 1000)} is before the BitShares chain existed (seconds instead of ms?)`],
      [11, 'months "4" is not a term (3, 6, 12)'],
      [12, 'months_paid "4" must be a whole number from 0 to 3'],
      [13, 'expected 5 fields (username start_ms amount months months_paid), found 4'],
      [14, 'same contract as line 3'],
      [15, `start_ms ${NOW + 1} is in the future`],
      [16, 'amount "25000.5" is not an allowed stake amount'],
    ]);
    expect((caught as Error).message).toContain('line 9: "Eve" is not a BitShares account name');
    expect([count(db, 'contracts'), count(db, 'stakes'), count(db, 'receipts')]).toEqual([0, 0, 0]);
  });

  it('writes nothing in a dry run', () => {
    const db = openDatabase(join(tempDir(), 'db.sqlite'));
    const result = importLegacyContracts(db, GOOD, terms, { now: NOW, dryRun: true });
    expect(result.imported).toHaveLength(3);
    expect(count(db, 'contracts')).toBe(0);
  });

  it('loads STAKES from the shipped preexisting_contracts.ts and it validates', async () => {
    const { text, firstLine } = loadStakesFile('preexisting_contracts.ts');
    const db = openDatabase(join(tempDir(), 'db.sqlite'));
    expect(importLegacyContracts(db, text, terms, { firstLine }).imported.length).toBeGreaterThan(0);
  });
});
