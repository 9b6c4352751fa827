import http from 'node:http';
import https from 'node:https';
import type { HttpOutcome } from './protocol.js';

const MAX_BODY_BYTES = 20 * 1024 * 1024;

/**
 * One HTTP POST of exactly `body` to exactly `url` (as signed), from the payout worker, with node:http only
 * (axios and its dependencies cost more start-up time than the request). Like the Bittrex transport: no
 * connection reuse (a reset on a stale keep-alive socket would make a POST ambiguous for nothing), no redirects
 * (they would re-send signed headers elsewhere), no proxy from the environment, a whole-request deadline.
 * Never throws: an answer-less end is `network` (the caller treats it as ambiguous).
 */
export function postOnce(p: { url: string; headers: Record<string, string>; body: string; timeoutMs: number }): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const target = new URL(p.url);
    const lib = target.protocol === 'https:' ? https : http;
    const body = Buffer.from(p.body, 'utf8');
    let req: http.ClientRequest;
    const timer = setTimeout(() => {
      done({ kind: 'network', networkCode: 'ETIMEDOUT', timedOut: true });
      req?.destroy();
    }, p.timeoutMs);
    try {
      req = lib.request(
        target,
        { method: 'POST', agent: false, headers: { ...p.headers, 'Content-Length': String(body.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY_BYTES) {
              res.destroy();
              done({ kind: 'network', networkCode: 'ERR_BODY_TOO_LARGE', timedOut: false });
              return;
            }
            chunks.push(c);
          });
          res.on('error', (err) => done({ kind: 'network', networkCode: codeOf(err), timedOut: false }));
          res.on('end', () => {
            const retryAfter = res.headers['retry-after'];
            done({
              kind: 'response',
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
            });
          });
        },
      );
    } catch (err) {
      done({ kind: 'network', networkCode: codeOf(err), timedOut: false });
      return;
    }
    // The error holds no headers, only a code: nothing secret leaves through it.
    req.on('error', (err) => done({ kind: 'network', networkCode: codeOf(err), timedOut: false }));
    req.end(body);
  });
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : 'UNKNOWN';
}
