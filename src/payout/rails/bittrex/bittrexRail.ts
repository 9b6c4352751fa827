import { z } from 'zod';
import { exchangeAccountFields } from '../../../config/exchangeAccounts.js';
import {
  attemptEnded,
  attemptRetryLater,
  attemptSubmitted,
  attemptUnknown,
  commitAttempt,
  markPaid,
  payoutFailed,
} from '../../../db/paymentTransitions.js';
import { type AttemptRow, getAttempt } from '../../../db/payoutAttempts.js';
import { getPayout, type PayoutRow } from '../../../db/payouts.js';
import { withdrawalIdOf } from '../../../domain/paymentKeys.js';
import { BaseError, isError } from '../../../errors/BaseError.js';
import { type BittrexClient, buildWithdrawalBody, createBittrexClient, signRequest } from '../../../exchange/bittrex/index.js';
import type { Secret } from '../../../wallet/Secret.js';
import type { RailResult } from '../../types.js';
import type { WorkerJob, WorkerReport } from '../../workerJobs.js';
import type { Prepared, Rail, RailDeps, RailKind, RailLedger, SendJob } from '../Rail.js';
import { checkForeignWithdrawals } from './checkForeignWithdrawals.js';
import { classifyWithdrawalResponse } from './classifyWithdrawalResponse.js';
import { listBittrexWithdrawals } from './listBittrexWithdrawals.js';

/** The rail name of Bittrex account `n` (as stored in payout rows and attempts since the first version). */
export const bittrexRailName = (account: number) => `bittrex${account}`;

const entrySchema = z
  .object({
    kind: z.literal('bittrex'),
    // account (1-3: the keystore's slots), depositMemo, depositAccount: read by the ledger from config alone.
    ...exchangeAccountFields,
    account: exchangeAccountFields.account.max(3),
    baseUrl: z.url().default('http://127.0.0.1:8091/v3'),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();
export type BittrexEntry = z.infer<typeof entrySchema>;

/**
 * Bittrex v3 (the legacy exchange: it stopped trading in December 2023). One instance per configured account, all of
 * one kind: `rails: [{ kind: "bittrex", account: 1, depositMemo }, { kind: "bittrex", account: 2, … }]`.
 */
export const bittrexRailKind: RailKind<BittrexEntry> = {
  kind: 'bittrex',
  describe: 'a Bittrex v3 account (legacy exchange): a withdrawal to the client, keyed by clientWithdrawalId',
  entrySchema,
  nameOf: (entry) => bittrexRailName(entry.account),
  labelOf: (entry) => `Bittrex account ${entry.account}`,
  create: (entry, deps) => createBittrexRail(entry, deps),
  ledger(entry, secrets): RailLedger {
    const client = clientFor(entry, secrets);
    const name = bittrexRailName(entry.account);
    return {
      name,
      label: bittrexRailKind.labelOf(entry),
      listWithdrawals: (sinceMs, untilMs) =>
        listBittrexWithdrawals(client, name, {
          ...(sinceMs === undefined ? {} : { sinceMs }),
          ...(untilMs === undefined ? {} : { untilMs }),
        }),
      balance: () =>
        payableBalance(
          client,
          client.getCurrency('BTS').then((c) => c.txFee),
        ),
    };
  },
  async preflight(entry, secrets) {
    const client = clientFor(entry, secrets);
    try {
      return { availableSats: (await client.getBalance('BTS')).available };
    } catch (err) {
      // A 500, a 503 or a timeout says nothing about the key. Only an answer that refuses the request itself (401/403,
      // a bad signature) means the key is wrong and stops the start.
      if (isTransientExchangeError(err)) return { transient: (err as Error).message.split('\n')[0]!.slice(0, 200) };
      const code = (err as { bittrexCode?: string }).bittrexCode;
      throw new BaseError(
        'AUTH_FAILED',
        `Bittrex account ${entry.account} refused a signed balance request${code ? ` (${code})` : ''}; check its API key.`,
        { cause: err },
      );
    }
  },
};

/**
 * The account's client, signed with its API key from the keystore.
 * @throws BaseError('AUTH_FAILED') when the keystore has no key for the account
 */
function clientFor(entry: BittrexEntry, secrets: Pick<RailDeps['secrets'], 'exchangeKeys'>, logger?: RailDeps['logger']): BittrexClient {
  return createBittrexClient({
    ...credsOf(entry, secrets),
    baseUrl: entry.baseUrl,
    timeoutMs: entry.timeoutMs,
    ...(logger ? { logger } : {}),
  });
}

/** @throws BaseError('AUTH_FAILED') when the keystore has no key for the account */
function credsOf(entry: BittrexEntry, secrets: Pick<RailDeps['secrets'], 'exchangeKeys'>): { apiKey: Secret; apiSecret: Secret } {
  const creds = secrets.exchangeKeys.find((k) => k.account === entry.account);
  if (!creds) throw new BaseError('AUTH_FAILED', `Bittrex account ${entry.account} is configured but the keystore has no API key for it.`);
  return { apiKey: creds.apiKey, apiSecret: creds.apiSecret };
}

/** What the account can send now: a withdrawal asks for amount + txFee. */
async function payableBalance(client: Pick<BittrexClient, 'getBalance'>, fee: Promise<bigint>): Promise<bigint> {
  const [b, f] = await Promise.all([client.getBalance('BTS'), fee]);
  return b.available > f ? b.available - f : 0n;
}

/** No answer, a 5xx, throttling or an unreadable body: the exchange may answer next time. */
function isTransientExchangeError(err: unknown): boolean {
  return isError(err, 'EXCHANGE_UNAVAILABLE') || isError(err, 'EXCHANGE_RETRYABLE') || isError(err, 'EXCHANGE_BAD_RESPONSE');
}

export function createBittrexRail(entry: BittrexEntry, deps: RailDeps): Rail {
  const { db, logger } = deps;
  const index = entry.account;
  const rail = bittrexRailName(index);
  const secret = credsOf(entry, deps.secrets);
  const client: BittrexClient = clientFor(entry, deps.secrets, logger);
  // new URL(...).href is the form that goes on the wire: signing it avoids any re-encoding mismatch.
  const withdrawalsUrl = new URL(`${entry.baseUrl.replace(/\/+$/, '')}/withdrawals`).href;
  let halted = false;
  let libNow = 0;
  /** The exchange's withdrawal fee (txFee), read once per cycle. */
  let fee: Promise<bigint> | null = null;

  function feeOf(): Promise<bigint> {
    if (!fee) {
      const f = client.getCurrency('BTS').then((c) => c.txFee);
      f.catch(() => {
        fee = null;
      });
      fee = f;
    }
    return fee;
  }

  /** The committed body, signed now (the worker is ready): the worker gets the URL, the headers and the body, never the secret. */
  function postJob(a: AttemptRow): () => WorkerJob {
    return () => ({
      type: 'http-post',
      url: withdrawalsUrl,
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        ...signRequest({
          apiKey: secret.apiKey.reveal(),
          apiSecret: secret.apiSecret.reveal(),
          timestampMs: Math.floor(Date.now() + client.clockOffsetMs()),
          url: withdrawalsUrl,
          method: 'POST',
          body: a.request,
        }),
      },
      body: a.request,
      timeoutMs: entry.timeoutMs,
    });
  }

  /**
   * One attempt on this account. The recipient must receive exactly the amount owed, and the exchange pays
   * `quantity − txCost`, so the request asks for `quantity = amount + txFee` (txFee from GET /currencies/BTS, the fee
   * the exchange charges as txCost); the receipt keeps both. The attempt (`intent`, idem_key = clientWithdrawalId
   * derived from the payment's UUID, the account and the attempt number, request = the exact body) and the payment
   * `sending` are committed BEFORE forking; the worker POSTs those bytes (an `http-post` job).
   */
  async function prepare(p: PayoutRow): Promise<Prepared | RailResult> {
    let txFee: bigint;
    try {
      txFee = await feeOf();
    } catch {
      return { kind: 'retry', rail, code: 'EXCHANGE_UNAVAILABLE', afterMs: 0 };
    }
    const amount = BigInt(p.amount_sats);
    const quantity = amount + txFee;
    // The exchange refuses quantity ≤ 3 × txFee; no need to ask (and spend rate budget) to learn that.
    if (quantity <= 3n * txFee) return { kind: 'rejected', rail, code: 'WITHDRAWAL_TOO_SMALL', cause: 'unusable' };
    const a = commitAttempt(db, p, rail, (attemptNo) => {
      // Derived, not random: a withdrawal whose attempt record was lost (a restored backup) is found again under it.
      const clientWithdrawalId = withdrawalIdOf(p.uuid, index, attemptNo);
      const body = buildWithdrawalBody({ quantity, cryptoAddress: p.recipient, cryptoAddressTag: p.memo, clientWithdrawalId });
      return { idemKey: clientWithdrawalId, request: body, txExpiration: null, facts: { quantitySats: quantity, txFeeSats: txFee } };
    });
    if (!a) return { kind: 'rejected', rail, code: 'NOT_PENDING', cause: 'other' };
    return { kind: 'prepared', attempt: a, job: postJob(a) };
  }

  /**
   * created/duplicate → submitted (tracked); rejected → attempt rejected (next rail may be tried); retryable → the same
   * attempt is re-sent later; ambiguous or no report → unknown (same rail, same key).
   */
  async function interpret(p: PayoutRow, a: AttemptRow, report: WorkerReport, phase: 'execute' | 'reconcile'): Promise<RailResult> {
    if (report.kind !== 'http-post') {
      if (report.kind === 'refused' && phase === 'execute') {
        // The worker refused before sending: nothing left the process.
        attemptEnded(db, p, a, 'rejected', { code: 'WORKER_REFUSED', reason: report.reason });
        return { kind: 'rejected', rail, code: 'WORKER_REFUSED', cause: 'other' };
      }
      const reason = report.kind === 'refused' || report.kind === 'silent' ? report.reason : 'unexpected worker report';
      if (a.state === 'intent') attemptUnknown(db, p, a, { reason });
      logger.warn({ payoutId: p.id, rail, reason }, 'withdrawal outcome unknown; will reconcile by clientWithdrawalId');
      return { kind: 'ambiguous', rail, reason };
    }
    const o = await classifyWithdrawalResponse(client, report.outcome, a.idem_key);
    logger.debug({ payoutId: p.id, rail, clientWithdrawalId: a.idem_key, outcome: o.kind }, 'bittrex withdrawal outcome');
    switch (o.kind) {
      case 'created':
      case 'duplicate': {
        const w = o.withdrawal;
        const id = w?.id ?? (o.kind === 'duplicate' ? o.withdrawalId : undefined);
        if (id === undefined) {
          if (a.state === 'intent') attemptUnknown(db, p, a, { reason: 'duplicate without the existing id' });
          return { kind: 'ambiguous', rail, reason: 'duplicate without id' };
        }
        attemptSubmitted(db, p, a, id, { outcome: o.kind, status: w?.status ?? null, quantitySats: w?.quantity.toString() ?? null });
        return { kind: 'sent', rail };
      }
      case 'rejected': {
        // A re-send after an ambiguous try is only trusted once any earlier request had time to land.
        const grace = 2 * entry.timeoutMs;
        if (phase === 'reconcile' && Date.now() - a.updated_at < grace)
          return { kind: 'ambiguous', rail, reason: `rejected ${o.code} within grace` };
        attemptEnded(db, p, a, 'rejected', { code: o.code, httpStatus: o.httpStatus ?? null });
        const cause = o.code === 'INSUFFICIENT_FUNDS' ? 'funds' : o.code === 'WITHDRAWAL_TOO_SMALL' ? 'unusable' : 'other';
        return { kind: 'rejected', rail, code: o.code, cause };
      }
      case 'retryable':
        attemptRetryLater(db, p, a, Date.now() + o.retryAfterMs, { code: o.code });
        return { kind: 'retry', rail, code: o.code, afterMs: o.retryAfterMs };
      case 'ambiguous':
        if (a.state === 'intent') attemptUnknown(db, p, a, { reason: o.reason });
        return { kind: 'ambiguous', rail, reason: o.reason };
    }
  }

  /**
   * Reconciles a live attempt on the SAME account with the SAME key (rule 5):
   * - submitted: GET /withdrawals/{id} until COMPLETED (paid) or CANCELLED (attempt cancelled, payment due again);
   *   ERROR_INVALID_ADDRESS → cancel it, payment failed, no retry elsewhere;
   * - intent/unknown: look the key up in the history; found → submitted; absent → re-POST the identical body
   *   (→ created, or CLIENTWITHDRAWALID_ALREADY_EXISTS = created); lookup failed → wait.
   */
  async function reconcile(p: PayoutRow, a: AttemptRow, send: SendJob): Promise<'paid' | 'cancelled' | 'failed' | 'open'> {
    let current = a;
    if (current.state !== 'submitted' || current.external_id === null) {
      if (p.next_attempt_at > Date.now()) return 'open';
      const found = await client.findWithdrawalByClientId(current.idem_key, { sinceMs: current.created_at - 300_000 });
      if (found === 'unknown') return 'open';
      if (found === null) {
        const r = await interpret(p, current, await send(postJob(current)), 'reconcile');
        if (r.kind !== 'sent') return 'open';
      } else {
        attemptSubmitted(db, p, current, found.id, { outcome: 'found by clientWithdrawalId', status: found.status });
      }
      const fresh = getAttempt(db, current.id);
      if (!fresh || fresh.state !== 'submitted' || fresh.external_id === null) return 'open';
      current = fresh;
    }
    let w: Awaited<ReturnType<BittrexClient['getWithdrawal']>>;
    try {
      w = await client.getWithdrawal(current.external_id!);
    } catch {
      return 'open';
    }
    const pNow = getPayout(db, p.id) ?? p;
    if (w.status === 'COMPLETED') {
      markPaid(db, pNow, current, {
        externalId: w.txId ?? w.id,
        libNow,
        facts: {
          withdrawalId: w.id,
          quantitySats: w.quantity,
          txCostSats: w.txCost,
          receivedSats: w.quantity - w.txCost,
          chainTxId: w.txId,
          completedAt: w.completedAt,
        },
      });
      return 'paid';
    }
    if (w.status === 'CANCELLED') {
      attemptEnded(db, pNow, current, 'cancelled', { withdrawalId: w.id, status: w.status });
      return 'cancelled';
    }
    if (w.status === 'ERROR_INVALID_ADDRESS') {
      await client.cancelWithdrawal(w.id).catch(() => undefined);
      payoutFailed(
        db,
        pNow,
        'payout_failed',
        { reason: 'Bittrex reports an invalid address; cancelled, not retried elsewhere', withdrawalId: w.id, rail: current.rail },
        current,
      );
      return 'failed';
    }
    return 'open';
  }

  return {
    name: rail,
    kind: 'bittrex',
    label: bittrexRailKind.labelOf(entry),
    exchange: { account: index },
    usable: () => !halted,
    beginCycle(c) {
      libNow = c.libNow;
      fee = null;
    },
    prepare,
    interpret,
    reconcile,
    balance: () => payableBalance(client, feeOf()),
    async syncClock() {
      await client.syncClock().catch(() => 0);
    },
    async checkForeign(o) {
      if (halted) return { listed: false, halted: true, adopted: 0, deferred: 0 };
      const r = await checkForeignWithdrawals({ db, rail, account: index, client, logger, caughtUp: o.caughtUp, now: o.now ?? Date.now() });
      if (r.foreign) halted = true;
      return { listed: r.listed, halted, adopted: r.adopted, deferred: r.deferred };
    },
  };
}
