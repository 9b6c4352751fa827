import { z } from 'zod';

/**
 * The IPC protocol between the payout engine (parent) and one payout worker (child process). Every message is
 * a discriminated union member. The parent validates what it receives with these zod schemas; the worker
 * (bundled small, without zod) checks its jobs by hand in parseJob.ts and imports only the types from here.
 * A malformed message is a protocol failure, never data.
 *
 * Jobs are generic, not per rail: every rail commits the attempt (intent, idempotency key, the exact request) BEFORE
 * forking, and the worker only sends what was committed and reports, so a new rail over WebSocket or HTTP needs no new
 * worker code:
 * ws-broadcast: worker → ready;  parent → ws-broadcast {signed tx, node URLs};  worker → ws-broadcast.result
 *               (the broker rail: a Graphene broadcast_transaction).
 * http-post:    worker → ready;  parent → http-post {url, signed headers, committed body};  worker →
 *               http-post.result (the raw HTTP answer, classified by the rail in the parent; the exchange rails).
 * Either:       parent → abort (nothing to do: the worker exits); worker → failed {stage: 'before_send'} when
 *               it refused a job before anything left the process.
 *
 * No secret travels here any more: the chain tx is signed by the parent, and an exchange request is signed
 * (e.g. HMAC over timestamp, URL, body) by the parent at the moment the worker is ready, so only the headers that go
 * on the wire anyway reach the child.
 */

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));

/** Broadcast this signed tx (already persisted as the attempt's request, idem_key = txId). */
export const wsBroadcastJobSchema = z.object({
  type: z.literal('ws-broadcast'),
  txId: hex(40),
  signedTx: z.record(z.string(), z.unknown()),
  chainId: hex(64),
  nodeUrls: z.array(z.string()).min(1),
  callTimeoutMs: z.number().int().positive(),
});
export type WsBroadcastJob = z.infer<typeof wsBroadcastJobSchema>;

/** POST these exact bytes with these headers (signed by the parent just now) to this URL, once. */
export const httpPostJobSchema = z.object({
  type: z.literal('http-post'),
  url: z.string().url(),
  headers: z.record(z.string(), z.string()),
  /** The exact committed request body; the worker sends these bytes or nothing. */
  body: z.string(),
  timeoutMs: z.number().int().positive(),
});
export type HttpPostJob = z.infer<typeof httpPostJobSchema>;

export const parentMessageSchema = z.discriminatedUnion('type', [
  wsBroadcastJobSchema,
  httpPostJobSchema,
  z.object({ type: z.literal('abort'), reason: z.string() }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

/** Why a node refused a broadcast (src/chain/rpc/classifyBroadcastRefusal.ts). */
export const refusalCauseSchema = z.enum(['funds', 'fee', 'authority', 'transient', 'payment', 'other']);

/**
 * What a broadcast achieved. A refusal carries its `cause`; `funds` (= cause funds) and `transient` (= cause transient:
 * a definite refusal that a fresh build may pass: expiry, TaPoS, no node reached) are derived from it.
 */
export const chainOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('accepted') }),
  z.object({
    kind: z.literal('rejected'),
    fcName: z.string(),
    reason: z.string(),
    cause: refusalCauseSchema,
    funds: z.boolean(),
    transient: z.boolean(),
  }),
  z.object({ kind: z.literal('ambiguous'), reason: z.string() }),
]);
export type ChainOutcome = z.infer<typeof chainOutcomeSchema>;

/** One HTTP exchange as the worker saw it (the shape of the exchange transports' result, minus the parsed JSON). */
export const httpOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('response'),
    status: z.number().int().min(100).max(599),
    text: z.string(),
    retryAfter: z.string().optional(),
  }),
  z.object({ kind: z.literal('network'), networkCode: z.string().max(40), timedOut: z.boolean() }),
]);
export type HttpOutcome = z.infer<typeof httpOutcomeSchema>;

export const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('ws-broadcast.result'), txId: hex(40), outcome: chainOutcomeSchema }),
  z.object({ type: z.literal('http-post.result'), outcome: httpOutcomeSchema }),
  /** Stopped before anything was sent (bad job): definitely not sent. */
  z.object({ type: z.literal('failed'), stage: z.literal('before_send'), reason: z.string() }),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
