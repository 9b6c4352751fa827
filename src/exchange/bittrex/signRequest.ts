import { createHash, createHmac } from 'node:crypto';

/** SHA-512 of the empty string: the `Api-Content-Hash` of every request without a body. */
export const EMPTY_CONTENT_HASH =
  'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';

export type SignRequestParameters = {
  apiKey: string;
  apiSecret: string;
  /** Unix time in milliseconds (already corrected by any clock offset). */
  timestampMs: number;
  /** The full URL exactly as it will be sent: scheme, host, path and query. */
  url: string;
  method: string;
  /** The exact body bytes that will be sent; `''` (or omitted) when there is no body. */
  body?: string;
  /** Partner-only header; appended to the pre-sign string when present. */
  subaccountId?: string;
};

/** The authentication headers of one Bittrex v3 request. Contains the key and signature: never log it. */
export type SignedHeaders = {
  'Api-Key': string;
  'Api-Timestamp': string;
  'Api-Content-Hash': string;
  'Api-Signature': string;
  'Api-Subaccount-Id'?: string;
};

/** Lowercase hex SHA-512 of exactly these body bytes. */
export function contentHash(body: string): string {
  return createHash('sha512').update(body, 'utf8').digest('hex');
}

/** The v3 pre-sign string: timestamp + full URL + METHOD + content hash + subaccount id (no separators). */
export function preSignString(p: { timestamp: string; url: string; method: string; contentHash: string; subaccountId?: string }): string {
  return p.timestamp + p.url + p.method.toUpperCase() + p.contentHash + (p.subaccountId ?? '');
}

/** Hex HMAC-SHA512 of the pre-sign string, keyed with the API secret. */
export function hmacSignature(apiSecret: string, preSign: string): string {
  return createHmac('sha512', apiSecret).update(preSign, 'utf8').digest('hex');
}

/**
 * Signs one Bittrex v3 request (pure). The caller must send exactly `url` and exactly `body`;
 * any re-serialisation or URL re-encoding after this point breaks the signature.
 *
 * @example
 * const body = JSON.stringify(payload); // serialise once
 * const headers = signRequest({ apiKey, apiSecret, timestampMs: Date.now(), url, method: 'POST', body });
 */
export function signRequest(params: SignRequestParameters): SignedHeaders {
  const { apiKey, apiSecret, timestampMs, url, method, body = '', subaccountId } = params;
  if (!Number.isSafeInteger(timestampMs)) throw new TypeError('timestampMs must be an integer number of milliseconds');
  const timestamp = String(timestampMs);
  const hash = body === '' ? EMPTY_CONTENT_HASH : contentHash(body);
  const preSign = preSignString({ timestamp, url, method, contentHash: hash, ...(subaccountId === undefined ? {} : { subaccountId }) });
  const headers: SignedHeaders = {
    'Api-Key': apiKey,
    'Api-Timestamp': timestamp,
    'Api-Content-Hash': hash,
    'Api-Signature': hmacSignature(apiSecret, preSign),
  };
  if (subaccountId !== undefined) headers['Api-Subaccount-Id'] = subaccountId;
  return headers;
}
