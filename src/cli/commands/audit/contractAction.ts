import type { Command } from 'commander';
import { contractStory } from '../../../audit/contractStory.js';
import { groupedBts } from '../../../audit/formatAmount.js';
import { formatRows } from '../../../audit/formatRows.js';
import { BaseError } from '../../../errors/BaseError.js';
import { intArg, iso, withDb } from './auditArgs.js';
import { formatPayouts } from './auditTables.js';

/** `audit contract` (loaded only when it runs; see ../../lazyAction.ts). */
export function contractAction(write: (text: string) => void) {
  return (id: string, opts: { json?: boolean }, cmd: Command) => {
    const contractId = intArg(id, 'contract id');
    withDb(cmd, (db) => {
      const story = contractStory(db, contractId);
      if (!story) throw new BaseError('USAGE', `There is no contract ${contractId}.`);
      if (opts.json) {
        write(`${JSON.stringify({ ...story, receipts: story.receipts.map((r) => ({ ...r, msg: JSON.parse(r.msg) as unknown })) })}\n`);
        return;
      }
      const c = story.contract;
      write(
        `contract ${c.id}: ${c.user}, ${groupedBts(BigInt(c.amountBts) * 100_000n)} BTS for ${c.months} months from ${iso(c.start)} to ${iso(c.maturity)}; ${c.state}` +
          ` (${c.origin}, block ${c.block}); interest paid ${c.interestPaid}/${c.months}\n\nRows\n`,
      );
      write(
        formatRows(
          story.rows,
          [
            { header: 'row', value: (r) => r.id },
            { header: 'type', value: (r) => r.type },
            { header: 'n', value: (r) => r.number },
            { header: 'BTS', value: (r) => groupedBts(BigInt(r.amount) * 100_000n) },
            { header: 'due (UTC)', value: (r) => iso(r.due) },
            { header: 'status', value: (r) => r.status },
            { header: 'processed (UTC)', value: (r) => (r.processed === null ? '' : iso(r.processed)) },
          ],
          'table',
        ),
      );
      write('\nPayments\n');
      write(formatPayouts(story.payouts, 'table'));
      write('\nTimeline\n');
      write(
        formatRows(
          story.timeline,
          [
            { header: 'time (UTC)', value: (e) => iso(e.time) },
            { header: 'ref', value: (e) => e.ref },
            { header: 'what', value: (e) => e.what },
            { header: 'tx / withdrawal id', value: (e) => e.externalId },
          ],
          'table',
        ),
      );
    });
  };
}
