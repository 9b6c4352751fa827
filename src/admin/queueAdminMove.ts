import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Config } from '../config/index.js';
import { insertPayoutIntent } from '../db/payouts.js';
import { appendReceipt } from '../db/receipts.js';
import { BTS_MAX_SUPPLY_SATS, btsToSats, formatBts } from '../domain/money.js';
import { FUNDING_MEMO } from '../domain/paymentMemos.js';
import { BaseError } from '../errors/BaseError.js';

export type AdminMove = {
  action: 'bittrex_to_broker' | 'broker_to_bittrex';
  /** Bittrex account number (1-3). */
  account: number;
  amountSats: bigint;
  /** Who asked, for the admin_actions row and the receipt (e.g. `cli:alice`). */
  manager: string;
  /** Broker account id on chain, when known (recipient id of a top-up). */
  brokerId?: string | null;
  /** What makes the instruction unique (an admin memo's op key). @default `cli:<uuid>` */
  sourceKey?: string;
  /** Facts for the receipt (an admin memo's transfer). @default `{ via: 'cli', user: manager }` */
  facts?: Record<string, unknown>;
};

export type QueuedAdminMove = { payoutId: number; sourceKey: string; uuid: string };

/**
 * Queues a manager fund move, from an admin memo (src/listener/handleIncoming.ts) or the CLI: one payment intent
 * with a fixed destination (the broker itself, or the configured Bittrex deposit account with that account's
 * memo), one `admin_actions` row and one receipt, in one transaction. The running daemon's payout loop executes
 * it; for broker_to_bittrex the loop re-checks the liability before sending. Nests inside a caller's transaction.
 * @throws BaseError('USAGE') for an unconfigured account or an amount under the admin minimum
 */
export function queueAdminMove(db: Database, config: Config, move: AdminMove): QueuedAdminMove {
  const bittrex = config.bittrex.accounts.find((a) => a.index === move.account);
  if (!bittrex) throw new BaseError('USAGE', `Bittrex account ${move.account} is not configured (config bittrex.accounts).`);
  if (move.amountSats < btsToSats(config.terms.adminMin)) {
    throw new BaseError(
      'USAGE',
      `The amount ${formatBts(move.amountSats)} BTS is below the admin minimum of ${config.terms.adminMin} BTS.`,
    );
  }
  if (move.amountSats > BTS_MAX_SUPPLY_SATS) {
    throw new BaseError('USAGE', `The amount ${formatBts(move.amountSats)} BTS is more than the BTS max supply.`);
  }
  const toBroker = move.action === 'bittrex_to_broker';
  const sourceKey = move.sourceKey ?? `cli:${randomUUID()}`;
  return db
    .transaction((): QueuedAdminMove => {
      const now = Date.now();
      const payout = insertPayoutIntent(db, {
        sourceKey: `admin:${sourceKey}`,
        purpose: move.action,
        contractId: null,
        stakeId: null,
        recipient: toBroker ? config.broker : config.bittrex.depositAccount,
        recipientId: toBroker ? (move.brokerId ?? null) : null,
        amountSats: move.amountSats,
        memo: toBroker ? FUNDING_MEMO : bittrex.depositMemo,
        // Read by another system (Bittrex credits by its deposit memo; the broker's listener reads `funding`).
        exactMemo: true,
      });
      db.prepare(
        `INSERT INTO admin_actions (source_key, manager, action, amount_sats, account, outcome, payout_id, created_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)`,
      ).run(sourceKey, move.manager, move.action, move.amountSats, move.account, payout.id, now);
      appendReceipt(db, 0, {
        event: 'admin_queued',
        ...(move.facts ?? { via: 'cli', user: move.manager }),
        sourceKey,
        action: move.action,
        account: move.account,
        amountSats: move.amountSats,
        payoutId: payout.id,
      });
      const { uuid } = db.prepare('SELECT uuid FROM payouts WHERE id = ?').get(payout.id) as { uuid: string };
      return { payoutId: payout.id, sourceKey, uuid };
    })
    .immediate();
}
