import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck<A> =
  | { ok: true; account: A }
  | { ok: false; status: 401; code: 'APIKEY_INVALID' | 'INVALID_TIMESTAMP' | 'INVALID_CONTENT_HASH' | 'INVALID_SIGNATURE' };

export type VerifySignatureParameters<A> = {
  headers: Record<string, string | string[] | undefined>;
  /** The full URL as the client addressed it (scheme + Host header + request target). */
  fullUrl: string;
  method: string;
  /** The raw body bytes received. */
  rawBody: Buffer;
  findAccount(apiKey: string): (A & { apiSecret: string }) | undefined;
  nowMs: number;
  toleranceMs: number;
};

/**
 * Checks a v3 request exactly as Bittrex does, in order: known key → timestamp window (ms) →
 * SHA-512 of the raw bytes received → HMAC-SHA512 over timestamp + URL + METHOD + hash + subaccount id.
 */
export function verifySignature<A>(p: VerifySignatureParameters<A>): SignatureCheck<A> {
  const header = (name: string) => {
    const v = p.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  };
  const apiKey = header('Api-Key');
  const account = apiKey === undefined ? undefined : p.findAccount(apiKey);
  if (account === undefined) return { ok: false, status: 401, code: 'APIKEY_INVALID' };

  const timestamp = header('Api-Timestamp') ?? '';
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(Number(timestamp) - p.nowMs) > p.toleranceMs) {
    return { ok: false, status: 401, code: 'INVALID_TIMESTAMP' };
  }

  const sentHash = (header('Api-Content-Hash') ?? '').toLowerCase();
  const realHash = createHash('sha512').update(p.rawBody).digest('hex');
  if (!equalHex(sentHash, realHash)) return { ok: false, status: 401, code: 'INVALID_CONTENT_HASH' };

  const preSign = timestamp + p.fullUrl + p.method + realHash + (header('Api-Subaccount-Id') ?? '');
  const expected = createHmac('sha512', account.apiSecret).update(preSign, 'utf8').digest('hex');
  if (!equalHex((header('Api-Signature') ?? '').toLowerCase(), expected)) return { ok: false, status: 401, code: 'INVALID_SIGNATURE' };
  return { ok: true, account };
}

function equalHex(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
