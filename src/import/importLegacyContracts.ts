import type { Database } from 'better-sqlite3';
import type { Terms } from '../config/configSchema.js';
import { contractExists, insertContract } from '../db/contracts.js';
import { appendReceipt } from '../db/receipts.js';
import { contractSchedule } from '../domain/contractSchedule.js';
import { BaseError } from '../errors/BaseError.js';
import { type LegacyContract, type LegacyLineError, legacySourceKey, parseLegacyStakes } from './parseLegacyStakes.js';

export type ImportResult = {
  imported: Array<LegacyContract & { contractId: number }>;
  alreadyPresent: LegacyContract[];
  dryRun: boolean;
};

export class ImportInvalidError extends BaseError {
  override name = 'ImportInvalidError';
  constructor(readonly lineErrors: LegacyLineError[]) {
    super('IMPORT_INVALID', `The legacy contracts have ${lineErrors.length} bad line(s); nothing was imported.`, {
      metaMessages: lineErrors.map((e) => `  line ${e.line}: ${e.reason}  [${e.text}]`),
    });
  }
}

/**
 * Imports legacy contracts: validates every line first (any error → nothing written, every bad line listed), then
 * writes each contract's rows (RULES.md "Legacy contracts") and a receipt, all in one transaction. Idempotent.
 */
export function importLegacyContracts(
  db: Database,
  text: string,
  terms: Terms,
  { dryRun = false, now = Date.now(), firstLine = 1 } = {},
): ImportResult {
  const { contracts, errors } = parseLegacyStakes(text, terms, now, firstLine);
  if (errors.length > 0) throw new ImportInvalidError(errors);
  const result: ImportResult = { imported: [], alreadyPresent: [], dryRun };
  const run = db.transaction(() => {
    for (const c of contracts) {
      const sourceKey = legacySourceKey(c);
      if (dryRun) {
        if (contractExists(db, sourceKey)) result.alreadyPresent.push(c);
        else result.imported.push({ ...c, contractId: 0 });
        continue;
      }
      const rows = contractSchedule({ amountBts: c.amountBts, months: c.months, start: c.start, monthsPaid: c.monthsPaid }, terms);
      const contractId = insertContract(
        db,
        {
          sourceKey,
          user: c.user,
          userId: null,
          amountBts: c.amountBts,
          months: c.months,
          start: c.start,
          block: 0,
          trxInBlock: null,
          opInTrx: null,
          origin: 'import',
        },
        rows,
        now,
      );
      if (contractId === null) {
        result.alreadyPresent.push(c);
        continue;
      }
      appendReceipt(
        db,
        contractId,
        {
          event: 'contract_imported',
          user: c.user,
          amount: c.amountBts,
          months: c.months,
          start: c.start,
          monthsPaid: c.monthsPaid,
          line: c.line,
        },
        now,
      );
      result.imported.push({ ...c, contractId });
    }
  });
  run.immediate();
  return result;
}
