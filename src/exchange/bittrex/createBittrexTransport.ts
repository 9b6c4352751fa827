import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import { silentLogger } from '../../log.js';
import { Secret } from '../../wallet/Secret.js';
import { signRequest } from './signRequest.js';

export type BittrexTransportOptions = {
  /** Base URL ending in `/v3` (the simulator's `url`); a trailing slash is ignored. */
  baseUrl: string;
  /** Revealed only to compute the request headers. */
  apiKey: Secret;
  apiSecret: Secret;
  /** Whole-request deadline. @default 10_000 */
  timeoutMs?: number;
  /** Returns the current offset (exchange clock − local clock) in ms. @default () => 0 */
  clockOffsetMs?: () => number;
  logger?: Logger;
};

export type TransportRequest = {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the base URL, already percent-encoded where needed (`/withdrawals/${encodeURIComponent(id)}`). */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** The exact body text (serialised once by the caller). */
  body?: string;
  /** Public endpoints (ping, currencies) are sent unsigned. @default true */
  signed?: boolean;
};

/** The outcome of one HTTP exchange. Never an exception: the caller classifies. */
export type TransportResult =
  | { kind: 'response'; status: number; text: string; json: unknown; retryAfter: string | undefined }
  | { kind: 'network'; networkCode: string; timedOut: boolean };

export type BittrexTransport = {
  request(req: TransportRequest): Promise<TransportResult>;
  /** Method and path for messages and logs (no host, no headers). */
  describe(req: TransportRequest): string;
};

/**
 * One signed HTTP channel to a Bittrex v3 base URL. The URL string is built and canonicalised once, signed,
 * and sent byte-for-byte; the body string is hashed and sent as-is (axios transforms are disabled).
 * Connections are not reused: a reset on a stale keep-alive socket would turn a POST into an ambiguous
 * outcome for no reason, and 60 calls a minute do not need pooling. Redirects are not followed (a redirect
 * would re-send the signed headers elsewhere) and environment proxies are ignored.
 */
export function createBittrexTransport(options: BittrexTransportOptions): BittrexTransport {
  const { baseUrl, apiKey, apiSecret, timeoutMs = 10_000, clockOffsetMs = () => 0, logger = silentLogger } = options;
  const base = baseUrl.replace(/\/+$/, '');
  const log = logger.child({ mod: 'bittrex-client' });
  const client: AxiosInstance = axios.create({
    adapter: 'http',
    httpAgent: new http.Agent({ keepAlive: false }),
    httpsAgent: new https.Agent({ keepAlive: false }),
    proxy: false,
    maxRedirects: 0,
    timeout: timeoutMs,
    responseType: 'text',
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxContentLength: 20 * 1024 * 1024,
  });

  function buildUrl(req: TransportRequest): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) params.append(k, String(v));
    const qs = params.toString();
    // new URL(...).href is the form the HTTP client puts on the wire: signing it avoids any re-encoding mismatch.
    return new URL(`${base}${req.path}${qs === '' ? '' : `?${qs}`}`).href;
  }

  function describe(req: TransportRequest): string {
    return `${req.method} ${req.path}`;
  }

  async function request(req: TransportRequest): Promise<TransportResult> {
    const url = buildUrl(req);
    const body = req.body ?? '';
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    if (req.signed !== false) {
      const timestampMs = Math.floor(Date.now() + clockOffsetMs());
      Object.assign(
        headers,
        signRequest({ apiKey: apiKey.reveal(), apiSecret: apiSecret.reveal(), timestampMs, url, method: req.method, body }),
      );
    }
    const started = Date.now();
    try {
      const res = await client.request<string>({
        url,
        method: req.method,
        headers,
        ...(req.body === undefined ? {} : { data: body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Text from outside: a gateway that echoes the request headers would hand our key back. Scrubbed here, so
      // nothing built from the answer (codes, reasons, receipts, log lines) can carry it.
      const text = scrubAnswer(typeof res.data === 'string' ? res.data : '', [apiKey, apiSecret]);
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      const retryAfter = res.headers['retry-after'];
      log.debug({ req: describe(req), status: res.status, ms: Date.now() - started }, 'bittrex response');
      return { kind: 'response', status: res.status, text, json, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined };
    } catch (err) {
      // The raw error holds the request config, including the Api-Key and Api-Signature headers:
      // extract a code and drop it.
      const networkCode = networkCodeOf(err);
      const timedOut = networkCode === 'ETIMEDOUT' || networkCode === 'ECONNABORTED' || networkCode === 'ERR_CANCELED';
      log.warn({ req: describe(req), networkCode, timedOut, ms: Date.now() - started }, 'bittrex request failed without an answer');
      return { kind: 'network', networkCode, timedOut };
    }
  }

  return { request, describe };
}

/** A v3 request signature (HMAC-SHA512, 128 hex): valid for a replay inside the timestamp window. */
const SIGNATURE_IN_TEXT = /[0-9a-fA-F]{128}/g;

/**
 * An answer's text with our API key and secret (and every other secret of the process, and any request signature)
 * replaced by `[REDACTED]`, before it is parsed. Exported for the payout rail, which gets the raw answer from its
 * worker.
 */
export function scrubAnswer(text: string, own: readonly Secret[]): string {
  return Secret.scrub(text, own).replace(SIGNATURE_IN_TEXT, '[REDACTED]');
}

function networkCodeOf(err: unknown): string {
  if (err !== null && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)) return code;
    const name = (err as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'AbortError' || name === 'CanceledError') return 'ETIMEDOUT';
  }
  return 'UNKNOWN';
}
