import http from 'node:http';
import { signRequest } from '../../../src/exchange/bittrex/signRequest.js';

export type RawResponse = { status: number; text: string; headers: http.IncomingHttpHeaders };

/** A plain node:http request with exactly these headers and body bytes (no client library in between). */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/** A correctly signed raw request (the happy path the negative tests start from). */
export function signedRaw(
  url: string,
  creds: { apiKey: string; apiSecret: string },
  init: { method?: string; body?: string; timestampMs?: number } = {},
): Promise<RawResponse> {
  const method = init.method ?? 'GET';
  const headers = signRequest({
    ...creds,
    timestampMs: init.timestampMs ?? Date.now(),
    url,
    method,
    ...(init.body === undefined ? {} : { body: init.body }),
  }) as Record<string, string>;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  return rawRequest(url, { method, headers, ...(init.body === undefined ? {} : { body: init.body }) });
}
