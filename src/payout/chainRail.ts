import {
  type BuildSignedTransferResult,
  buildSignedTransfer,
  buildTransferOp,
  encryptMemo,
  publicKeyFromWif,
  transactionId,
} from '../chain/bitshares/index.js';
import { classifyBroadcastRefusal } from '../chain/rpc/classifyBroadcastRefusal.js';
import { RpcNodeError } from '../chain/rpc/errors.js';
import { readCursor } from '../db/cursor.js';
import { type AttemptRow, insertAttemptIntent } from '../db/payoutAttempts.js';
import type { PayoutRow } from '../db/payouts.js';
import { appendReceipt } from '../db/receipts.js';
import type { ChainOutcome } from './protocol.js';
import { runWorker } from './runWorker.js';
import { attemptEnded, attemptSubmitted, attemptUnknown, markPaid } from './transitions.js';
import type { EngineContext, RailResult } from './types.js';

export const BROKER_RAIL = 'broker';

/** Account id and memo key of a recipient (by id or name), cached for the cycle. */
export function resolveAccount(ctx: EngineContext, idOrName: string): Promise<{ id: string; memoKey: string } | null> {
  let hit = ctx.cycle.accounts.get(idOrName);
  if (!hit) {
    hit = ctx.node.getAccounts([idOrName]).then(([a]) => (a ? { id: a.id, memoKey: a.memoKey } : null));
    hit.catch(() => ctx.cycle.accounts.delete(idOrName));
    ctx.cycle.accounts.set(idOrName, hit);
  }
  return hit;
}

/** Encrypted memo length for `text`: 4-byte checksum + text, AES-CBC padded (always at least one byte). */
function cipherBytes(text: string): number {
  const n = 4 + Buffer.byteLength(text, 'utf8');
  return n + 16 - (n % 16);
}

/**
 * One attempt on the broker account (chain rail). The parent signs, the worker only broadcasts:
 * 1. parent reads head/TaPoS and the fee (same-size placeholder memo), reserves the broker balance, encrypts the
 *    memo and signs the transfer (bitsharesjs is loaded here anyway), checks the tx pays exactly this payment,
 *    and persists the attempt (`intent`, idem_key = tx id, request = signed tx, tx_expiration) with its receipt,
 *    committed BEFORE forking;
 * 2. worker gets the signed tx and the node URLs over IPC, broadcasts and reports: accepted → submitted;
 *    fc refusal → rejected (definite); anything else, or no report (killed at the limit, crash) → unknown,
 *    reconciled by tx id (the same signed tx is re-sent, never rebuilt, until expiry is irreversible).
 * No private key goes to a chain worker: fewer processes ever hold the broker's keys.
 */
export async function executeChain(ctx: EngineContext, p: PayoutRow): Promise<RailResult> {
  const rail = BROKER_RAIL;
  const { db, node, brokerAccount, secrets, cycle } = ctx;
  const to = await resolveAccount(ctx, p.recipient_id ?? p.recipient).catch(() => undefined);
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
  let fee: bigint;
  let dgp: Awaited<ReturnType<typeof node.getDynamicGlobalProperties>>;
  try {
    const placeholder = {
      from: publicKeyFromWif(secrets.brokerMemoWif.reveal()),
      to: to.memoKey,
      nonce: '0',
      message: '00'.repeat(cipherBytes(p.memo)),
    };
    const op = buildTransferOp({ from: brokerAccount.id, to: to.id, amount, memo: placeholder });
    const cap = {
      maxSats: BigInt(ctx.config.payout.maxFeeSats),
      onRefused: (url: string, feeSats: bigint) => {
        appendReceipt(db, p.contract_id ?? 0, {
          event: 'fee_refused',
          payoutId: p.id,
          node: url,
          feeSats,
          capSats: ctx.config.payout.maxFeeSats,
        });
        ctx.logger.warn({ payoutId: p.id, node: url, feeSats }, 'fee quote above payout.maxFeeSats refused; asking the next node');
      },
    };
    const [fees, props] = await Promise.all([node.getRequiredFees([[0, op]], '1.3.0', cap), node.getDynamicGlobalProperties()]);
    fee = fees[0]?.amount ?? 0n;
    dgp = props;
  } catch {
    return { kind: 'retry', rail, code: 'NODE_UNAVAILABLE', afterMs: 0 };
  }
  // Balance reservation: payments started together must not each see the same balance as enough.
  const need = amount + fee;
  if (cycle.brokerAvailable !== null) {
    if (cycle.brokerAvailable < need) return { kind: 'rejected', rail, code: 'INSUFFICIENT_FUNDS', cause: 'funds' };
    cycle.brokerAvailable -= need;
  }
  const release = () => {
    if (cycle.brokerAvailable !== null) cycle.brokerAvailable += need;
  };

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
      expiresInSec: ctx.txExpiresInSec,
    });
  } catch (err) {
    // The adapter's error texts are built from public values only.
    release();
    ctx.logger.warn({ payoutId: p.id, err: err instanceof Error ? err.message.split('\n')[0] : String(err) }, 'signing failed');
    return { kind: 'rejected', rail, code: 'SIGNING_FAILED', cause: 'other' };
  }
  // Our own tx now, but what is persisted is what reconciliation trusts: its id must hash from the stored JSON
  // and it must pay exactly this payment. A mismatch is a builder bug; nothing is persisted or sent.
  const signedTx = signed.signedTx as unknown as Record<string, unknown>;
  const problem = checkSignedTx(signedTx, signed.txId, { from: brokerAccount.id, to: to.id, amount });
  if (problem) {
    release();
    ctx.logger.error({ payoutId: p.id, problem }, 'built tx does not match the payment; not sent');
    return { kind: 'rejected', rail, code: 'TX_MISMATCH', cause: 'other' };
  }
  const attempt = db
    .transaction(() => {
      const a = insertAttemptIntent(db, {
        payoutId: p.id,
        rail,
        idemKey: signed.txId,
        request: JSON.stringify(signedTx),
        txExpiration: signed.expiration,
      });
      if (a) {
        appendReceipt(db, p.contract_id ?? 0, {
          event: 'payout_attempt',
          payoutId: p.id,
          rail,
          attemptNo: a.attempt_no,
          idemKey: a.idem_key,
          txExpiration: signed.expiration,
          feeSats: fee,
        });
      }
      return a;
    })
    .immediate();
  if (!attempt) {
    release();
    return { kind: 'rejected', rail, code: 'NOT_PENDING', cause: 'other' };
  }

  // From here on the attempt is committed: whatever happens to the worker, the tx is reconciled by its id.
  let result: RailResult | null = null;
  const end = await runWorker({
    workerPath: ctx.workerPath,
    timeoutMs: ctx.config.payout.timeoutMs,
    signal: ctx.signal,
    onMessage: (msg, reply) => {
      if (msg.type === 'ready') {
        reply({
          type: 'chain.broadcast',
          txId: signed.txId,
          signedTx,
          chainId: cycle.chainId,
          nodeUrls: ctx.config.nodes,
          callTimeoutMs: ctx.config.listener.callTimeoutMs,
        });
      } else if (msg.type === 'chain.result' && msg.txId === signed.txId && result === null) {
        const o = msg.outcome;
        if (o.kind === 'accepted') {
          attemptSubmitted(db, p, attempt, msg.txId, { broadcast: 'accepted' });
          result = { kind: 'sent', rail };
        } else if (o.kind === 'rejected') {
          attemptEnded(db, p, attempt, 'rejected', { code: o.fcName, reason: o.reason });
          result = railResultOfRefusal(rail, o);
        } else {
          attemptUnknown(db, p, attempt, { reason: o.reason });
          result = { kind: 'ambiguous', rail, reason: o.reason };
        }
      }
      // 'failed' (the worker refused its job) is not trusted as "not sent" for a persisted tx: it stays
      // unreported below, becomes unknown and is re-sent by reconciliation (harmless: same tx id).
    },
  });
  ctx.stats.workers++;
  ctx.stats.workerMs += end.elapsedMs;
  const reported = result as RailResult | null;
  if (reported === null) {
    // Persisted, maybe broadcast, no answer: killed at the limit, crashed or broke the protocol.
    const reason = end.killed
      ? `worker killed after ${ctx.config.payout.timeoutMs} ms`
      : (end.protocolError ?? `worker exited (${end.code ?? end.exitSignal}) without a result`);
    attemptUnknown(db, p, attempt, { reason });
    ctx.logger.warn({ payoutId: p.id, rail, reason }, 'payout outcome unknown; will reconcile by tx id');
    return { kind: 'ambiguous', rail, reason };
  }
  if (reported.kind === 'rejected' || reported.kind === 'retry') release();
  return reported;
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

/** The signed tx must be exactly this payment from the broker, under this id; anything else is never persisted or sent. */
function checkSignedTx(tx: Record<string, unknown>, txId: string, want: { from: string; to: string; amount: bigint }): string | null {
  if (transactionId(tx) !== txId) return 'tx id does not match the signed transaction';
  const ops = tx.operations;
  if (!Array.isArray(ops) || ops.length !== 1) return 'expected exactly one operation';
  const [type, op] = ops[0] as [unknown, Record<string, unknown>];
  const amount = op?.amount as { amount?: unknown; asset_id?: unknown } | undefined;
  if (
    type !== 0 ||
    op.from !== want.from ||
    op.to !== want.to ||
    String(amount?.amount) !== want.amount.toString() ||
    amount?.asset_id !== '1.3.0'
  ) {
    return 'transfer does not match the payment';
  }
  return null;
}

/**
 * Reconciles a live broker attempt (rule 7/8): paid when the listener saw its tx id in an irreversible block;
 * `expired` (definitely not sent, a new attempt may follow) only when the listener's irreversible block time is
 * past the expiration and the tx id is absent; otherwise the SAME signed tx is broadcast again (harmless).
 */
export async function reconcileChain(ctx: EngineContext, p: PayoutRow, a: AttemptRow): Promise<'paid' | 'expired' | 'open'> {
  const { db } = ctx;
  const seen = db
    .prepare('SELECT block_num, trx_in_block, op_in_trx, amount_sats FROM chain_transfers_out WHERE tx_id = ? ORDER BY block_num LIMIT 1')
    .get(a.idem_key) as { block_num: number; trx_in_block: number; op_in_trx: number; amount_sats: number } | undefined;
  const cursor = readCursor(db);
  if (seen) {
    markPaid(db, p, a, {
      externalId: a.idem_key,
      libNow: ctx.cycle.libNow,
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
      await ctx.node.broadcastTransaction(JSON.parse(a.request));
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
