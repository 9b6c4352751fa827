import { z } from 'zod';
import {
  type BuildSignedTransferResult,
  buildSignedTransfer,
  buildTransferOp,
  encryptMemo,
  publicKeyFromWif,
} from '../../../chain/bitshares/index.js';
import { classifyBroadcastRefusal } from '../../../chain/rpc/classifyBroadcastRefusal.js';
import { RpcNodeError } from '../../../chain/rpc/errors.js';
import { firstTransferOfTx } from '../../../db/chainTransfersOut.js';
import { readCursor } from '../../../db/cursor.js';
import { attemptEnded, attemptSubmitted, attemptUnknown, commitAttempt, markPaid } from '../../../db/paymentTransitions.js';
import type { AttemptRow } from '../../../db/payoutAttempts.js';
import type { PayoutRow } from '../../../db/payouts.js';
import { appendReceipt } from '../../../db/receipts.js';
import type { ChainOutcome } from '../../protocol.js';
import type { RailResult } from '../../types.js';
import type { WorkerReport } from '../../workerJobs.js';
import type { CycleInfo, Prepared, Rail, RailDeps, RailKind } from '../Rail.js';
import { checkSignedTx } from './checkSignedTx.js';

export const BROKER_RAIL = 'broker';

const entrySchema = z.object({ kind: z.literal('broker') }).strict();
type BrokerEntry = z.infer<typeof entrySchema>;

/** The broker account on chain: the desk's own rail, first by default and the only one needed. */
export const brokerRailKind: RailKind<BrokerEntry> = {
  kind: 'broker',
  describe: 'the broker account on chain (a transfer signed with its active key)',
  entrySchema,
  nameOf: () => BROKER_RAIL,
  labelOf: () => 'the broker account',
  create: (_entry, deps) => createBrokerRail(deps),
};

/** Encrypted memo length for `text`: 4-byte checksum + text, AES-CBC padded (always at least one byte). */
function cipherBytes(text: string): number {
  const n = 4 + Buffer.byteLength(text, 'utf8');
  return n + 16 - (n % 16);
}

type Recipient = { id: string; memoKey: string };
type HeadInfo = Awaited<ReturnType<RailDeps['node']['getDynamicGlobalProperties']>>;

export function createBrokerRail(deps: RailDeps): Rail {
  const { db, node, brokerAccount, secrets, config, logger } = deps;
  const rail = BROKER_RAIL;
  let cycle: CycleInfo = { libNow: 0, chainId: '' };
  let accounts = new Map<string, Promise<{ id: string; memoKey: string } | null>>();
  /** Broker balance left after the payments started this cycle; null when unknown (the chain decides). Read once per cycle. */
  let available: Promise<{ sats: bigint | null }> | null = null;

  /** Account id and memo key of a recipient (by id or name), cached for the cycle. */
  function resolveAccount(idOrName: string): Promise<{ id: string; memoKey: string } | null> {
    let hit = accounts.get(idOrName);
    if (!hit) {
      hit = node.getAccounts([idOrName]).then(([a]) => (a ? { id: a.id, memoKey: a.memoKey } : null));
      hit.catch(() => accounts.delete(idOrName));
      accounts.set(idOrName, hit);
    }
    return hit;
  }

  /**
   * One attempt on the broker account. The parent signs, the worker only broadcasts:
   * 1. parent reads head/TaPoS and the fee (same-size placeholder memo), reserves the broker balance, encrypts the
   *    memo and signs the transfer, checks the tx pays exactly this payment, and persists the attempt (`intent`,
   *    idem_key = tx id, request = signed tx, tx_expiration) with its receipt, committed BEFORE forking;
   * 2. the worker gets the signed tx and the node URLs (a `ws-broadcast` job), broadcasts and reports: accepted →
   *    submitted; fc refusal → rejected (definite); anything else, or no report (killed at the limit, crash) → unknown,
   *    reconciled by tx id (the same signed tx is re-sent, never rebuilt, until expiry is irreversible).
   * No private key goes to a worker: fewer processes ever hold the broker's keys.
   */
  async function prepare(p: PayoutRow): Promise<Prepared | RailResult> {
    const to = await resolveAccount(p.recipient_id ?? p.recipient).catch(() => undefined);
    if (to === undefined) return { kind: 'retry', rail, code: 'NODE_UNAVAILABLE', afterMs: 0 };
    if (to === null) {
      return {
        kind: 'rejected',
        rail,
        code: 'UNKNOWN_RECIPIENT',
        cause: 'payment',
        reason: `account ${p.recipient_id ?? p.recipient} does not exist on chain`,
      };
    }
    if (to.id === brokerAccount.id) return { kind: 'rejected', rail, code: 'RECIPIENT_IS_BROKER', cause: 'unusable' };
    const amount = BigInt(p.amount_sats);
    const quoted = await quote(p, to, amount);
    if ('kind' in quoted) return quoted;
    const { fee, dgp } = quoted;
    const release = reserve(await balanceLeft(), amount + fee);
    if (release === null) return { kind: 'rejected', rail, code: 'INSUFFICIENT_FUNDS', cause: 'funds' };
    const signed = sign(p, to, amount, fee, dgp);
    if ('kind' in signed) {
      release();
      return signed;
    }
    const attempt = commitAttempt(db, p, rail, () => ({
      idemKey: signed.txId,
      request: JSON.stringify(signed.signedTx),
      txExpiration: signed.expiration,
      facts: { txExpiration: signed.expiration, feeSats: fee },
    }));
    if (!attempt) {
      release();
      return { kind: 'rejected', rail, code: 'NOT_PENDING', cause: 'other' };
    }
    // From here on the attempt is committed: whatever happens to the worker, the tx is reconciled by its id.
    const chainId = cycle.chainId;
    return {
      kind: 'prepared',
      attempt,
      release,
      job: () => ({
        type: 'ws-broadcast',
        txId: signed.txId,
        signedTx: signed.signedTx,
        chainId,
        nodeUrls: config.nodes,
        callTimeoutMs: config.listener.callTimeoutMs,
      }),
    };
  }

  /** The fee of this exact transfer (a same-size placeholder memo) and the head for TaPoS; a quote above the cap is refused. */
  async function quote(p: PayoutRow, to: Recipient, amount: bigint): Promise<{ fee: bigint; dgp: HeadInfo } | RailResult> {
    try {
      const placeholder = {
        from: publicKeyFromWif(secrets.brokerMemoWif.reveal()),
        to: to.memoKey,
        nonce: '0',
        message: '00'.repeat(cipherBytes(p.memo)),
      };
      const op = buildTransferOp({ from: brokerAccount.id, to: to.id, amount, memo: placeholder });
      const cap = {
        maxSats: BigInt(config.payout.maxFeeSats),
        onRefused: (url: string, feeSats: bigint) => {
          appendReceipt(db, p.contract_id ?? 0, {
            event: 'fee_refused',
            payoutId: p.id,
            node: url,
            feeSats,
            capSats: config.payout.maxFeeSats,
          });
          logger.warn({ payoutId: p.id, node: url, feeSats }, 'fee quote above payout.maxFeeSats refused; asking the next node');
        },
      };
      const [fees, dgp] = await Promise.all([node.getRequiredFees([[0, op]], '1.3.0', cap), node.getDynamicGlobalProperties()]);
      return { fee: fees[0]?.amount ?? 0n, dgp };
    } catch {
      return { kind: 'retry', rail, code: 'NODE_UNAVAILABLE', afterMs: 0 };
    }
  }

  /** The broker balance left this cycle (read once per cycle; null when unknown: the chain decides). */
  function balanceLeft(): Promise<{ sats: bigint | null }> {
    available ??= node
      .getAccountBalance(brokerAccount.id)
      .then((sats): { sats: bigint | null } => ({ sats }))
      .catch(() => ({ sats: null }));
    return available;
  }

  /**
   * Balance reservation: payments started together must not each see the same balance as enough. Returns how to give
   * the reservation back, or null when the balance is short.
   */
  function reserve(left: { sats: bigint | null }, need: bigint): (() => void) | null {
    if (left.sats === null) return () => {};
    if (left.sats < need) return null;
    left.sats -= need;
    return () => {
      if (left.sats !== null) left.sats += need;
    };
  }

  /**
   * Encrypts the memo and signs the transfer. What is persisted is what reconciliation trusts: the tx id must hash from
   * the stored JSON and the tx must pay exactly this payment; a mismatch is a builder bug and nothing is persisted or sent.
   */
  function sign(
    p: PayoutRow,
    to: Recipient,
    amount: bigint,
    fee: bigint,
    dgp: HeadInfo,
  ): { txId: string; signedTx: Record<string, unknown>; expiration: number } | RailResult {
    let signed: BuildSignedTransferResult;
    try {
      signed = buildSignedTransfer({
        chainId: cycle.chainId,
        from: brokerAccount.id,
        to: to.id,
        amount,
        fee,
        memo: encryptMemo({ fromWif: secrets.brokerMemoWif.reveal(), toPub: to.memoKey, text: p.memo }),
        activeWif: secrets.brokerActiveWif.reveal(),
        headBlockNumber: dgp.headBlockNumber,
        headBlockId: dgp.headBlockId,
        chainTimeSec: Math.floor(dgp.time / 1000),
        expiresInSec: deps.txExpiresInSec,
      });
    } catch (err) {
      // The adapter's error texts are built from public values only.
      logger.warn({ payoutId: p.id, err: err instanceof Error ? err.message.split('\n')[0] : String(err) }, 'signing failed');
      return { kind: 'rejected', rail, code: 'SIGNING_FAILED', cause: 'other' };
    }
    const signedTx = signed.signedTx as unknown as Record<string, unknown>;
    const problem = checkSignedTx(signedTx, signed.txId, { from: brokerAccount.id, to: to.id, amount });
    if (problem) {
      logger.error({ payoutId: p.id, problem }, 'built tx does not match the payment; not sent');
      return { kind: 'rejected', rail, code: 'TX_MISMATCH', cause: 'other' };
    }
    return { txId: signed.txId, signedTx, expiration: signed.expiration };
  }

  async function interpret(p: PayoutRow, attempt: AttemptRow, report: WorkerReport): Promise<RailResult> {
    if (report.kind === 'ws-broadcast') {
      const o = report.outcome;
      if (o.kind === 'accepted') {
        attemptSubmitted(db, p, attempt, report.txId, { broadcast: 'accepted' });
        return { kind: 'sent', rail };
      }
      if (o.kind === 'rejected') {
        attemptEnded(db, p, attempt, 'rejected', { code: o.fcName, reason: o.reason });
        return railResultOfRefusal(rail, o);
      }
      attemptUnknown(db, p, attempt, { reason: o.reason });
      return { kind: 'ambiguous', rail, reason: o.reason };
    }
    // No result, or the worker refused its job: not trusted as "not sent" for a persisted tx. The attempt becomes unknown
    // and reconciliation re-sends it (harmless: same tx id).
    const reason = report.kind === 'refused' || report.kind === 'silent' ? report.reason : 'unexpected worker report';
    attemptUnknown(db, p, attempt, { reason });
    logger.warn({ payoutId: p.id, rail, reason }, 'payout outcome unknown; will reconcile by tx id');
    return { kind: 'ambiguous', rail, reason };
  }

  /**
   * Reconciles a live broker attempt (rule 7/8): paid when the listener saw its tx id in an irreversible block;
   * `expired` (definitely not sent, a new attempt may follow) only when the listener's irreversible block time is
   * past the expiration and the tx id is absent; otherwise the SAME signed tx is broadcast again (harmless).
   */
  async function reconcile(p: PayoutRow, a: AttemptRow): Promise<'paid' | 'expired' | 'open'> {
    const seen = firstTransferOfTx(db, a.idem_key);
    const cursor = readCursor(db);
    if (seen) {
      markPaid(db, p, a, {
        externalId: a.idem_key,
        libNow: cycle.libNow,
        facts: { block: seen.block_num, trx: seen.trx_in_block, op: seen.op_in_trx },
      });
      return 'paid';
    }
    if (cursor && a.tx_expiration !== null && cursor.blockTime > a.tx_expiration * 1000) {
      attemptEnded(db, p, a, 'expired', {
        expiration: a.tx_expiration,
        irreversibleBlock: cursor.blockNum,
        irreversibleTime: cursor.blockTime,
      });
      return 'expired';
    }
    if (a.state === 'intent' || a.state === 'unknown') {
      try {
        await node.broadcastTransaction(JSON.parse(a.request));
        attemptSubmitted(db, p, a, a.idem_key, { broadcast: 're-sent the same signed tx' });
      } catch (err) {
        // Duplicate = the node has it already; any other answer changes nothing: wait for evidence or expiry.
        if (err instanceof RpcNodeError && classifyBroadcastRefusal(err.frame).kind === 'accepted') {
          attemptSubmitted(db, p, a, a.idem_key, { broadcast: 'node already holds the tx' });
        }
      }
    }
    return 'open';
  }

  return {
    name: rail,
    kind: 'broker',
    label: `broker account ${brokerAccount.name}`,
    usable: () => true,
    beginCycle(c) {
      cycle = c;
      accounts = new Map();
      available = null;
    },
    prepare,
    interpret,
    reconcile,
    balance: () => node.getAccountBalance(brokerAccount.id),
    async feesFor(count) {
      if (count <= 0) return 0n;
      // A transfer with a memo as long as a payment's: what the chain charges per payment now. The fee does not depend on
      // the recipient, but a node refuses to price a transfer to the sender itself: any other account id will do.
      const memoKey = publicKeyFromWif(secrets.brokerMemoWif.reveal());
      const memo = { from: memoKey, to: memoKey, nonce: '0', message: '00'.repeat(cipherBytes('x'.repeat(120))) };
      const other = brokerAccount.id === '1.2.0' ? '1.2.1' : '1.2.0';
      const op = buildTransferOp({ from: brokerAccount.id, to: other, amount: 1n, memo });
      const [fee] = await node.getRequiredFees([[0, op]], '1.3.0', { maxSats: BigInt(config.payout.maxFeeSats), onRefused: () => {} });
      return (fee?.amount ?? 0n) * BigInt(count);
    },
  };
}

/** A definite refusal of a broadcast, as the round over the rails takes it. */
function railResultOfRefusal(rail: string, o: Extract<ChainOutcome, { kind: 'rejected' }>): RailResult {
  switch (o.cause) {
    case 'transient':
      return { kind: 'retry', rail, code: o.fcName, afterMs: 0 };
    case 'funds':
      return { kind: 'rejected', rail, code: 'INSUFFICIENT_FUNDS', cause: 'funds' };
    // The payment itself is refused (recipient, asset authorisation, memo size): every rail would refuse it too.
    case 'payment':
      return { kind: 'rejected', rail, code: o.fcName, cause: 'payment', reason: o.reason };
    default:
      return { kind: 'rejected', rail, code: o.fcName, cause: 'other' };
  }
}
