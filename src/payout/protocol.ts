import { z } from 'zod';

/**
 * The IPC protocol between the payout engine (parent) and one payout worker (child process). Every message is
 * a discriminated union member, validated with zod on receipt on both sides: a malformed message is a protocol
 * failure, never data. Amounts travel as decimal strings (JSON has no bigint).
 *
 * Chain rail:   worker → ready;  parent → chain.sign;  worker → chain.signed {txId, expiration, signedTx};
 *               parent persists the attempt, then → chain.persisted (or chain.abort);  worker broadcasts,
 *               → chain.result.
 * Bittrex rail: worker → ready;  parent → bittrex.post {body already committed};  worker → bittrex.result.
 * Either:       worker → failed {stage: 'before_send'} when it stopped before anything left the process.
 *
 * Secrets (WIFs, API secret) travel only in parent → worker messages, never in argv or env.
 */

const sats = z.string().regex(/^\d{1,19}$/, 'satoshis as a decimal string');
const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));

export const chainSignJobSchema = z.object({
  type: z.literal('chain.sign'),
  chainId: hex(64),
  from: z.string(),
  to: z.string(),
  amountSats: sats,
  feeSats: sats,
  memoText: z.string(),
  toMemoPub: z.string(),
  activeWif: z.string(),
  memoWif: z.string(),
  headBlockNumber: z.number().int().positive(),
  headBlockId: hex(40),
  chainTimeSec: z.number().int().nonnegative(),
  expiresInSec: z.number().int().min(1).max(86_400),
  nodeUrls: z.array(z.string()).min(1),
  callTimeoutMs: z.number().int().positive(),
});
export type ChainSignJob = z.infer<typeof chainSignJobSchema>;

export const bittrexPostJobSchema = z.object({
  type: z.literal('bittrex.post'),
  baseUrl: z.string(),
  apiKey: z.string(),
  apiSecret: z.string(),
  timeoutMs: z.number().int().positive(),
  clockOffsetMs: z.number().int(),
  /** The exact committed request body; the worker sends these bytes or nothing. */
  body: z.string(),
});
export type BittrexPostJob = z.infer<typeof bittrexPostJobSchema>;

export const parentMessageSchema = z.discriminatedUnion('type', [
  chainSignJobSchema,
  bittrexPostJobSchema,
  z.object({ type: z.literal('chain.persisted'), txId: hex(40) }),
  z.object({ type: z.literal('chain.abort'), reason: z.string() }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

/** What a broadcast achieved. `transient` = definite refusal that a fresh build may pass (expiry, TaPoS). */
export const chainOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('accepted') }),
  z.object({ kind: z.literal('rejected'), fcName: z.string(), reason: z.string(), funds: z.boolean(), transient: z.boolean() }),
  z.object({ kind: z.literal('ambiguous'), reason: z.string() }),
]);
export type ChainOutcome = z.infer<typeof chainOutcomeSchema>;

/** A withdrawal as the worker reports it (the fields reconciliation and receipts need). */
export const wireWithdrawalSchema = z.object({
  id: z.string(),
  status: z.string(),
  quantity: sats,
  txCost: sats,
  txId: z.string().nullable(),
  clientWithdrawalId: z.string().nullable(),
});
export type WireWithdrawal = z.infer<typeof wireWithdrawalSchema>;

/** `WithdrawalOutcome` of the Bittrex client, serialisable. */
export const bittrexOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('created'), withdrawal: wireWithdrawalSchema }),
  z.object({ kind: z.literal('duplicate'), withdrawalId: z.string().optional(), withdrawal: wireWithdrawalSchema.optional() }),
  z.object({ kind: z.literal('rejected'), code: z.string(), httpStatus: z.number().int().optional() }),
  z.object({ kind: z.literal('retryable'), code: z.string(), retryAfterMs: z.number().nonnegative() }),
  z.object({ kind: z.literal('ambiguous'), reason: z.string() }),
]);
export type BittrexOutcome = z.infer<typeof bittrexOutcomeSchema>;

export const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('chain.signed'),
    txId: hex(40),
    expiration: z.number().int().positive(),
    signedTx: z.record(z.string(), z.unknown()),
  }),
  z.object({ type: z.literal('chain.result'), txId: hex(40), outcome: chainOutcomeSchema }),
  z.object({ type: z.literal('bittrex.result'), outcome: bittrexOutcomeSchema }),
  /** Stopped before anything was sent (bad job, signing failed, body mismatch): definitely not sent. */
  z.object({ type: z.literal('failed'), stage: z.literal('before_send'), reason: z.string() }),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
