import type { Terms } from '../config/configSchema.js';
import { BaseError } from '../errors/BaseError.js';
import type { Effect, Ref } from './effects.js';
import { BTS_MAX_SUPPLY_SATS, btsToSats, formatBts } from './money.js';
import { FUNDING_MEMO } from './paymentMemos.js';

/** Where treasury moves go: from config, never from the instruction (src/ledger/treasuryFacts.ts builds it). */
export type TreasuryFacts = {
  /** The broker's account name (recipient of a move to the broker). */
  broker: string;
  /** The exchange's deposit account (recipient of a move to the exchange). */
  depositAccount: string;
  /**
   * The configured exchange accounts, by number, with the deposit memo that credits each and, when it differs from
   * `depositAccount`, the chain account that account's deposits go to.
   */
  accounts: ReadonlyArray<{ index: number; depositMemo: string; depositAccount?: string }>;
};

export type AdminMove = {
  action: 'bittrex_to_broker' | 'broker_to_bittrex';
  /** Exchange account number, as the config's rails entry names it. */
  account: number;
  amountSats: bigint;
  /** Who asked, for the admin_actions row and the receipt (e.g. `cli:alice`). */
  manager: string;
  /** Broker account id on chain, when known (recipient id of a top-up). */
  brokerId?: string | null;
  /** What makes the instruction unique (an admin memo's op key, `cli:<uuid>` from the CLI). */
  sourceKey: string;
  /** Facts for the receipt (an admin memo's transfer). @default `{ via: 'cli', user: manager }` */
  facts?: Record<string, unknown>;
};

/**
 * A manager fund move (RULES.md "Admin actions"), from an admin memo or the CLI: one payment intent with a fixed
 * destination (the broker itself, or the configured Bittrex deposit account with that account's memo), one
 * `admin_actions` row and one receipt. The payout loop executes it; for broker_to_bittrex it re-checks the liability
 * before sending.
 * @throws BaseError('USAGE') for an unconfigured account, an amount under the admin minimum or over the max supply
 */
export function planAdminMove(treasury: TreasuryFacts, terms: Pick<Terms, 'adminMin'>, move: AdminMove): Effect[] {
  const bittrex = treasury.accounts.find((a) => a.index === move.account);
  if (!bittrex) throw new BaseError('USAGE', `Exchange account ${move.account} is not configured (config rails).`);
  if (move.amountSats < btsToSats(terms.adminMin)) {
    throw new BaseError('USAGE', `The amount ${formatBts(move.amountSats)} BTS is below the admin minimum of ${terms.adminMin} BTS.`);
  }
  if (move.amountSats > BTS_MAX_SUPPLY_SATS) {
    throw new BaseError('USAGE', `The amount ${formatBts(move.amountSats)} BTS is more than the BTS max supply.`);
  }
  const toBroker = move.action === 'bittrex_to_broker';
  const payoutId: Ref = { ref: 'payoutId' };
  return [
    {
      kind: 'queue_payment',
      payment: {
        sourceKey: `admin:${move.sourceKey}`,
        purpose: move.action,
        contractId: null,
        stakeId: null,
        recipient: toBroker ? treasury.broker : (bittrex.depositAccount ?? treasury.depositAccount),
        recipientId: toBroker ? (move.brokerId ?? null) : null,
        amountSats: move.amountSats,
        memo: toBroker ? FUNDING_MEMO : bittrex.depositMemo,
        // Read by another system (Bittrex credits by its deposit memo; the broker's listener reads `funding`).
        exactMemo: true,
      },
    },
    {
      kind: 'record_admin_action',
      action: {
        sourceKey: move.sourceKey,
        manager: move.manager,
        action: move.action,
        amountSats: move.amountSats,
        account: move.account,
        outcome: 'queued',
        payoutId,
      },
    },
    {
      kind: 'receipt',
      nonce: 0,
      msg: {
        event: 'admin_queued',
        ...(move.facts ?? { via: 'cli', user: move.manager }),
        sourceKey: move.sourceKey,
        action: move.action,
        account: move.account,
        amountSats: move.amountSats,
        payoutId,
      },
    },
  ];
}
