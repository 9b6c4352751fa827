import type { ParentMessage } from './protocol.js';

const HEX40 = /^[0-9a-f]{40}$/;
const HEX64 = /^[0-9a-f]{64}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/**
 * The worker's check of a parent message, by hand: the worker is bundled without zod to keep a fork cheap.
 * Mirrors `parentMessageSchema` in protocol.ts (the parent validates with that schema before sending, so this is
 * the second line). Returns null for anything malformed: the worker then sends nothing.
 */
export function parseJob(raw: unknown): ParentMessage | null {
  if (!isObject(raw)) return null;
  switch (raw.type) {
    case 'ws-broadcast': {
      const { txId, signedTx, chainId, nodeUrls, callTimeoutMs } = raw;
      if (typeof txId !== 'string' || !HEX40.test(txId)) return null;
      if (!isObject(signedTx)) return null;
      if (typeof chainId !== 'string' || !HEX64.test(chainId)) return null;
      if (!Array.isArray(nodeUrls) || nodeUrls.length === 0 || !nodeUrls.every((u) => typeof u === 'string')) return null;
      if (!isPositiveInt(callTimeoutMs)) return null;
      return { type: 'ws-broadcast', txId, signedTx, chainId, nodeUrls: nodeUrls as string[], callTimeoutMs };
    }
    case 'http-post': {
      const { url, headers, body, timeoutMs } = raw;
      if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return null;
      if (!isObject(headers) || !Object.values(headers).every((v) => typeof v === 'string')) return null;
      if (typeof body !== 'string' || !isPositiveInt(timeoutMs)) return null;
      return { type: 'http-post', url, headers: headers as Record<string, string>, body, timeoutMs };
    }
    case 'abort':
      return typeof raw.reason === 'string' ? { type: 'abort', reason: raw.reason } : null;
    default:
      return null;
  }
}
