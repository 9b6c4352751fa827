import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ErrorCode } from '../../errors/BaseError.js';
import { silentLogger } from '../../log.js';
import type { Secret } from '../../wallet/Secret.js';
import { BittrexApiError } from './BittrexApiError.js';
import { buildWithdrawalBody, type NewWithdrawalParameters } from './buildWithdrawalBody.js';
import { classifyWithdrawalError, msUntilNextMinute, sanitiseCode, type WithdrawalOutcome } from './classifyWithdrawalError.js';
import { createBittrexTransport, scrubAnswer, type TransportRequest, type TransportResult } from './createBittrexTransport.js';
import { type FindWithdrawalByClientIdOptions, findWithdrawalByClientId } from './findWithdrawalByClientId.js';
import {
  addressSchema,
  balanceSchema,
  currencySchema,
  errorBodySchema,
  pingSchema,
  type Withdrawal,
  withdrawalListSchema,
  withdrawalSchema,
} from './schemas.js';

export type BittrexClientOptions = {
  /** Base URL ending in `/v3`, e.g. the simulator's `url`. */
  baseUrl: string;
  /** Kept wrapped; revealed only to sign each request. */
  apiKey: Secret;
  apiSecret: Secret;
  /** Whole-request deadline in ms. @default 10_000 */
  timeoutMs?: number;
  /** Exchange clock minus local clock, ms; `syncClock()` measures it. @default 0 */
  clockOffsetMs?: number;
  logger?: Logger;
};

export type ListClosedWithdrawalsParameters = {
  /** Only withdrawals completed at or after this time (ms); sent floored to the second. */
  startDate?: number;
  /** 1–200. @default 100 (server side) */
  pageSize?: number;
  /** Id of the last item of the previous page. */
  nextPageToken?: string;
};

export type BittrexClient = ReturnType<typeof createBittrexClient>;

/**
 * Bittrex v3 client for the payout rail. Read calls throw `BittrexApiError` (codes `EXCHANGE_*`) built from
 * sanitised values only; `createWithdrawal` never throws for an HTTP or network outcome and returns a
 * classified {@link WithdrawalOutcome} instead.
 *
 * @example
 * const bittrex = createBittrexClient({ baseUrl: sim.url, apiKey: new Secret(key), apiSecret: new Secret(secret) });
 * const outcome = await bittrex.createWithdrawal({ quantity: 1_000_000n, cryptoAddress: 'alice', clientWithdrawalId });
 */
export function createBittrexClient(options: BittrexClientOptions) {
  const { baseUrl, apiKey, apiSecret, timeoutMs = 10_000, logger = silentLogger } = options;
  let clockOffsetMs = options.clockOffsetMs ?? 0;
  const log = logger.child({ mod: 'bittrex-client' });
  const transport = createBittrexTransport({ baseUrl, apiKey, apiSecret, timeoutMs, clockOffsetMs: () => clockOffsetMs, logger });
  const exchangeNow = () => Date.now() + clockOffsetMs;

  /** Sends a read request and validates the 2xx body; every failure becomes a sanitised BittrexApiError. */
  async function call<S extends z.ZodType>(req: TransportRequest, schema: S): Promise<z.output<S>> {
    const res = await transport.request(req);
    const what = transport.describe(req);
    if (res.kind === 'network') {
      throw new BittrexApiError({
        code: 'EXCHANGE_UNAVAILABLE',
        shortMessage: res.timedOut ? 'Bittrex request timed out' : 'Bittrex request failed without an answer',
        request: what,
        networkCode: res.networkCode,
      });
    }
    if (res.status >= 200 && res.status < 300) {
      const parsed = schema.safeParse(res.json);
      if (!parsed.success) {
        throw new BittrexApiError({
          code: 'EXCHANGE_BAD_RESPONSE',
          shortMessage: 'Unexpected Bittrex response shape',
          request: what,
          httpStatus: res.status,
        });
      }
      return parsed.data;
    }
    const bittrexCode = errorCodeOf(res);
    let code: ErrorCode = 'EXCHANGE_REJECTED';
    if (res.status === 429 || bittrexCode === 'THROTTLED' || bittrexCode === 'CURRENCY_OFFLINE') code = 'EXCHANGE_RETRYABLE';
    else if (res.status >= 500 || bittrexCode === undefined) code = 'EXCHANGE_UNAVAILABLE';
    throw new BittrexApiError({
      code,
      shortMessage: `Bittrex answered HTTP ${res.status}${bittrexCode === undefined ? '' : ` ${bittrexCode}`}`,
      request: what,
      httpStatus: res.status,
      ...(bittrexCode === undefined ? {} : { bittrexCode }),
    });
  }

  const path = (p: string, id: string) => `${p}/${encodeURIComponent(id)}`;

  async function getWithdrawal(id: string): Promise<Withdrawal> {
    return call({ method: 'GET', path: path('/withdrawals', id) }, withdrawalSchema);
  }

  async function listOpenWithdrawals(): Promise<Withdrawal[]> {
    return call({ method: 'GET', path: '/withdrawals/open' }, withdrawalListSchema);
  }

  async function listClosedWithdrawals(params: ListClosedWithdrawalsParameters = {}): Promise<Withdrawal[]> {
    const { startDate, pageSize, nextPageToken } = params;
    const query = {
      // Second precision only: a sub-second startDate is a 400 BAD_REQUEST.
      startDate: startDate === undefined ? undefined : new Date(Math.floor(startDate / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      pageSize,
      nextPageToken,
    };
    return call({ method: 'GET', path: '/withdrawals/closed', query }, withdrawalListSchema);
  }

  async function createWithdrawal(params: NewWithdrawalParameters): Promise<WithdrawalOutcome> {
    // 1. Serialise once (throws only on invalid input, before anything is sent).
    const body = buildWithdrawalBody(params);
    const clientWithdrawalId = params.clientWithdrawalId.toLowerCase();
    // 2. Send; any answer-less end (timeout, reset, drop) may have created it.
    const res = await transport.request({ method: 'POST', path: '/withdrawals', body });
    const outcome = await classify(res, clientWithdrawalId);
    log.info({ clientWithdrawalId, outcome: outcome.kind, ...outcomeFields(outcome) }, 'bittrex withdrawal outcome');
    return outcome;
  }

  async function classify(res: TransportResult, clientWithdrawalId: string): Promise<WithdrawalOutcome> {
    if (res.kind === 'network') {
      return { kind: 'ambiguous', reason: res.timedOut ? `timeout (${res.networkCode})` : `no answer (${res.networkCode})` };
    }
    if (res.status >= 200 && res.status < 300) {
      const parsed = withdrawalSchema.safeParse(res.json);
      if (!parsed.success) return { kind: 'ambiguous', reason: `HTTP ${res.status} with an unreadable withdrawal body` };
      const w = parsed.data;
      if (w.clientWithdrawalId !== null && w.clientWithdrawalId.toLowerCase() !== clientWithdrawalId) {
        return { kind: 'ambiguous', reason: 'answer names a different clientWithdrawalId' };
      }
      return { kind: 'created', withdrawal: w };
    }
    const err = errorBodySchema.safeParse(res.json);
    const outcome = classifyWithdrawalError({
      httpStatus: res.status,
      code: err.success ? err.data.code : undefined,
      data: err.success ? err.data.data : undefined,
      nowMs: exchangeNow(),
    });
    if (outcome.kind === 'retryable' && res.status === 429) {
      const retryAfterS = Number(res.retryAfter);
      if (Number.isFinite(retryAfterS) && retryAfterS > 0) outcome.retryAfterMs = Math.max(outcome.retryAfterMs, retryAfterS * 1000);
    }
    if (outcome.kind === 'rejected' || outcome.kind === 'retryable') outcome.code = sanitiseCode(outcome.code);
    if (outcome.kind === 'duplicate' && outcome.withdrawalId !== undefined) {
      // Best effort: the id alone is enough to continue as "created"; the record saves a round trip later.
      try {
        return { kind: 'duplicate', withdrawalId: outcome.withdrawalId, withdrawal: await getWithdrawal(outcome.withdrawalId) };
      } catch {
        return outcome;
      }
    }
    return outcome;
  }

  /** An answer relayed from elsewhere (a payout worker), scrubbed like the transport's own before it is read. */
  function scrubbedAnswer(res: Extract<TransportResult, { kind: 'response' }>): TransportResult {
    const text = scrubAnswer(res.text, [apiKey, apiSecret]);
    if (text === res.text) return res;
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { ...res, text, json };
  }

  /** `GET /ping`: the exchange's time in ms (rounded down to the second). */
  async function ping(): Promise<{ serverTime: number }> {
    return call({ method: 'GET', path: '/ping', signed: false }, pingSchema);
  }

  return {
    ping,

    /**
     * Classifies an answer to `POST /withdrawals` obtained elsewhere (a payout worker carries only the bytes), exactly
     * as `createWithdrawal` classifies its own; a duplicate's existing withdrawal is read with this client.
     */
    classifyWithdrawalAnswer: (res: TransportResult, clientWithdrawalId: string) =>
      classify(res.kind === 'response' ? scrubbedAnswer(res) : res, clientWithdrawalId.toLowerCase()),

    /** Measures the exchange clock against ours via ping and uses the offset for `Api-Timestamp`. Returns it. */
    async syncClock(): Promise<number> {
      const before = Date.now();
      const { serverTime } = await ping();
      const after = Date.now();
      // serverTime is floored to the second: add half a second to centre the estimate.
      clockOffsetMs = Math.round(serverTime + 500 - (before + after) / 2);
      return clockOffsetMs;
    },

    /** Current offset used for timestamps, ms. */
    clockOffsetMs(): number {
      return clockOffsetMs;
    },

    /** Balance of one currency in satoshis (exchange decimals truncated to precision 5). */
    async getBalance(currency = 'BTS'): Promise<{ total: bigint; available: bigint }> {
      const b = await call({ method: 'GET', path: path('/balances', currency) }, balanceSchema);
      return { total: b.total, available: b.available };
    },

    /**
     * Public currency info. `minWithdrawal` is the smallest quantity the exchange accepts: quantity must
     * exceed 3 × txFee, so it is 3 × txFee + 1 satoshi.
     */
    async getCurrency(currency = 'BTS'): Promise<{ txFee: bigint; status: string; minWithdrawal: bigint }> {
      const c = await call({ method: 'GET', path: path('/currencies', currency), signed: false }, currencySchema);
      return { txFee: c.txFee, status: c.status, minWithdrawal: 3n * c.txFee + 1n };
    },

    /** Our deposit pair: the shared deposit account and our memo. */
    async getDepositAddress(currency = 'BTS'): Promise<{ cryptoAddress: string; cryptoAddressTag: string }> {
      const a = await call({ method: 'GET', path: path('/addresses', currency) }, addressSchema);
      return { cryptoAddress: a.cryptoAddress, cryptoAddressTag: a.cryptoAddressTag ?? '' };
    },

    createWithdrawal,
    getWithdrawal,
    listOpenWithdrawals,
    listClosedWithdrawals,

    /** Looks the idempotency key up in open + closed history; `'unknown'` when the lookup itself failed. */
    async findWithdrawalByClientId(
      clientWithdrawalId: string,
      opts: FindWithdrawalByClientIdOptions,
    ): Promise<Withdrawal | null | 'unknown'> {
      return findWithdrawalByClientId({ listOpenWithdrawals, listClosedWithdrawals }, clientWithdrawalId, opts);
    },

    /** Cancels a withdrawal still in REQUESTED, AUTHORIZED or ERROR_INVALID_ADDRESS; returns it as cancelled. */
    async cancelWithdrawal(id: string): Promise<Withdrawal> {
      return call({ method: 'DELETE', path: path('/withdrawals', id) }, withdrawalSchema);
    },

    /** Milliseconds until the rate budget resets (start of the next exchange minute). */
    msUntilRateReset(): number {
      return msUntilNextMinute(exchangeNow());
    },
  };
}

function errorCodeOf(res: { json: unknown }): string | undefined {
  const parsed = errorBodySchema.safeParse(res.json);
  return parsed.success ? sanitiseCode(parsed.data.code) : undefined;
}

function outcomeFields(o: WithdrawalOutcome): Record<string, unknown> {
  switch (o.kind) {
    case 'created':
      return { withdrawalId: o.withdrawal.id, status: o.withdrawal.status };
    case 'duplicate':
      return { withdrawalId: o.withdrawalId };
    case 'rejected':
      return { code: o.code, httpStatus: o.httpStatus };
    case 'retryable':
      return { code: o.code, retryAfterMs: o.retryAfterMs };
    case 'ambiguous':
      return { reason: o.reason };
  }
}
