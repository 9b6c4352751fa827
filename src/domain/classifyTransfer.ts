import type { Terms } from '../config/configSchema.js';
import { invalidRefund } from './invalidRefund.js';
import { BTS_ASSET_ID, SATS_PER_BTS } from './money.js';
import type { ManagerType, MemoInvalidReason, ParsedMemo, StakeType } from './parseMemo.js';

export type IncomingTransfer = {
  amountSats: bigint;
  assetId: string;
  /** Block timestamp (ms UTC) of the block holding the transfer. */
  blockTime: number;
};

export type ClassifyContext = {
  terms: Terms;
  /** The memo as read: parsed, or undecryptable (sent to a stale key of ours, or garbage). */
  memo: ParsedMemo | { kind: 'undecryptable' };
  senderIsManager: boolean;
  senderIsFundingAccount: boolean;
  /** Open contracts (principal pending) of the sender. */
  senderOpenContracts: number;
  /** "Now" for admin freshness: the last irreversible block time when processed. */
  now: number;
  /**
   * The asset's max supply in satoshis (asset object on chain): no amount from outside may exceed it, so a manager
   * memo asking for more than can exist is refused, never turned into an int64 overflow.
   */
  maxSupplySats: bigint;
};

export type InvalidReason =
  | MemoInvalidReason
  | 'memo_undecryptable'
  | 'amount_not_allowed'
  | 'stop_without_open_contract'
  | 'manager_type_from_non_manager'
  | 'admin_bad_amount'
  | 'admin_bad_account';

export type Classification =
  | { action: 'unsupported_asset' }
  | { action: 'funding' }
  | { action: 'new_contract'; type: StakeType; months: number; amountBts: number; fractionSats: bigint }
  | { action: 'stop' }
  | { action: 'admin'; type: ManagerType; amountBts: number | null; account: number | null }
  | { action: 'admin_expired'; type: ManagerType; amountBts: number | null; account: number | null }
  | { action: 'invalid'; reason: InvalidReason; refundBts: number; keptSats: bigint };

/**
 * What an incoming transfer to the broker becomes (RULES.md "What each incoming transfer to the broker becomes"),
 * in the rules' order: asset, funding, stake, stop, admin, otherwise invalid.
 */
export function classifyTransfer(transfer: IncomingTransfer, ctx: ClassifyContext): Classification {
  const { terms, memo } = ctx;
  // 1. Only BTS is handled; other assets are listed for the manager, never refunded.
  if (transfer.assetId !== BTS_ASSET_ID) return { action: 'unsupported_asset' };
  // 2. Transfers the daemon caused (top-ups) are never refunded.
  if (memo.kind === 'funding' || ctx.senderIsFundingAccount) return { action: 'funding' };

  const invalid = (reason: InvalidReason): Classification => ({ action: 'invalid', reason, ...invalidRefund(transfer.amountSats, terms) });
  if (memo.kind === 'undecryptable') return invalid('memo_undecryptable');
  if (memo.kind === 'invalid') return invalid(memo.reason);

  if (memo.kind === 'client') {
    // 3. A stake of an allowed whole-BTS amount.
    if (memo.type !== 'stop') {
      const wholeBts = transfer.amountSats / SATS_PER_BTS;
      const amountBts = Number(wholeBts);
      if (!terms.amounts.includes(amountBts)) return invalid('amount_not_allowed');
      return {
        action: 'new_contract',
        type: memo.type,
        months: terms.months[memo.type],
        amountBts,
        fractionSats: transfer.amountSats % SATS_PER_BTS,
      };
    }
    // 4. A stop ends open contracts; with none it is invalid, so a second stop can never pay twice.
    return ctx.senderOpenContracts > 0 ? { action: 'stop' } : invalid('stop_without_open_contract');
  }

  // 5. Manager instructions, from managers only.
  if (!ctx.senderIsManager) return invalid('manager_type_from_non_manager');
  if (memo.type !== 'loan_to_broker') {
    if (memo.amount === null || memo.amount < terms.adminMin) return invalid('admin_bad_amount');
    if (BigInt(memo.amount) * SATS_PER_BTS > ctx.maxSupplySats) return invalid('admin_bad_amount');
    if (memo.account === null || memo.account < 1 || memo.account > 3) return invalid('admin_bad_account');
  }
  const amountBts = memo.type === 'loan_to_broker' ? null : memo.amount;
  const account = memo.type === 'loan_to_broker' ? null : memo.account;
  if (ctx.now - transfer.blockTime > terms.adminMaxAgeMs) return { action: 'admin_expired', type: memo.type, amountBts, account };
  return { action: 'admin', type: memo.type, amountBts, account };
}
