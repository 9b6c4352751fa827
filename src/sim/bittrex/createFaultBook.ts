import { prng } from '../../utils/prng.js';

/** Where a fault applies: every request unless `path` (prefix below `/v3`) or `method` narrows it. */
type Scope = { path?: string; method?: string };
/** How often: `times` left (unlimited when absent), each firing with `probability` (1 when absent). */
type Budget = { times?: number; probability?: number };

/** A fault the simulator injects, in the order a request meets them. */
export type BittrexFault =
  /** Delay before the request is processed (it is still processed if the client has given up). */
  | ({ kind: 'latency'; ms: number } & Scope & Budget)
  /** Never answer; the socket stays open until the client gives up or the simulator closes. */
  | ({ kind: 'hang' } & Scope & Budget)
  /** Answer this status before anything is committed (429 THROTTLED, 503 CURRENCY_OFFLINE, 500 without code by default). */
  | ({ kind: 'status'; status: 429 | 500 | 503; code?: string } & Scope & Budget)
  /**
   * A gateway in front of the API refuses the request and echoes its headers in the error body, as some proxies and
   * WAFs do: the offending header with its value in `code`, every request header (Api-Key, Api-Signature…) in
   * `detail` and `data`. Nothing is processed (default status 400).
   */
  | ({ kind: 'echoHeaders'; status?: 400 | 502 } & Scope & Budget)
  /** POST /withdrawals: commit the withdrawal, then destroy the socket without answering. */
  | ({ kind: 'dropAfterCommit' } & Budget)
  /** POST /withdrawals on that account answers 409 INSUFFICIENT_FUNDS whatever the balance. */
  | ({ kind: 'insufficientFunds'; account: number } & Budget);

export type FaultContext = { method: string; path: string; accountIndex?: number };

export type FaultBook = {
  inject(fault: BittrexFault): void;
  clear(): void;
  /** The first armed fault of this kind matching the request; consumes one of its `times`. */
  take<K extends BittrexFault['kind']>(kind: K, ctx: FaultContext): Extract<BittrexFault, { kind: K }> | undefined;
};

/** Keeps the injected faults and decides, with a seeded PRNG, whether each one fires. */
export function createFaultBook(seed: number): FaultBook {
  const random = prng(seed);
  let faults: Array<{ fault: BittrexFault; left: number }> = [];

  function applies(fault: BittrexFault, ctx: FaultContext): boolean {
    if (fault.kind === 'insufficientFunds') return ctx.accountIndex === fault.account;
    if (fault.kind === 'dropAfterCommit') return true;
    if (fault.path !== undefined && !ctx.path.startsWith(fault.path)) return false;
    if (fault.method !== undefined && fault.method.toUpperCase() !== ctx.method) return false;
    return true;
  }

  return {
    inject(fault) {
      faults.push({ fault: { ...fault }, left: fault.times ?? Number.POSITIVE_INFINITY });
    },
    clear() {
      faults = [];
    },
    take(kind, ctx) {
      for (const entry of faults) {
        if (entry.fault.kind !== kind || entry.left <= 0 || !applies(entry.fault, ctx)) continue;
        if (entry.fault.probability !== undefined && random() >= entry.fault.probability) continue;
        entry.left -= 1;
        return entry.fault as Extract<BittrexFault, { kind: typeof kind }>;
      }
      return undefined;
    },
  };
}
