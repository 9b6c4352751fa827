import { RpcNodeError, RpcTransportError } from '../chain/rpc/index.js';

export type WindowLimits = {
  /** Concurrent calls to start with. */
  start: number;
  /** The most concurrent calls this node is ever given. */
  max: number;
};

/** How a call ended, for the window: a reply, a timeout, a refusal for load (429-style), another error. */
export type CallOutcome = { kind: 'ok'; ms: number } | { kind: 'timeout' | 'refused' | 'error' };

/** Errors within the last ERROR_SPAN calls that count as a burst. */
const ERROR_BURST = 3;
const ERROR_SPAN = 20;

/**
 * The number of concurrent calls one node is given, adapted as TCP's congestion window is: it starts small, grows
 * (doubling, then by one past half the cap) while replies come back at no more than twice the best latency seen and
 * without errors, and halves on a timeout, a refusal for load (HTTP 429, "too many requests") or a burst of errors.
 * A public node that rate-limits sees a client that backs off instead of one that keeps 256 calls open.
 */
export class AdaptiveWindow {
  size: number;
  private bestMs = Number.POSITIVE_INFINITY;
  private goodInRow = 0;
  /** Outcomes since the last halving: calls sent under the old window fail together, and count as one event. */
  private sinceShrink = Number.POSITIVE_INFINITY;
  private readonly recent: boolean[] = [];
  /** How often the window was shrunk, and why (for tests and status). */
  readonly shrinks = { timeout: 0, refused: 0, errors: 0 };

  constructor(private readonly limits: WindowLimits) {
    this.size = clamp(limits.start, 1, limits.max);
  }

  get max(): number {
    return this.limits.max;
  }

  record(outcome: CallOutcome): void {
    this.sinceShrink++;
    this.recent.push(outcome.kind !== 'ok');
    if (this.recent.length > ERROR_SPAN) this.recent.shift();
    if (outcome.kind === 'ok') {
      this.bestMs = Math.min(this.bestMs, outcome.ms);
      // Latency well above the best seen means the node (or the path) is queueing: hold, do not grow.
      if (outcome.ms > 2 * this.bestMs + 50) {
        this.goodInRow = 0;
        return;
      }
      // One window's worth of good replies in a row earns a step.
      if (++this.goodInRow >= this.size) {
        this.goodInRow = 0;
        this.size = clamp(this.size < this.limits.max / 2 ? this.size * 2 : this.size + 1, 1, this.limits.max);
      }
      return;
    }
    this.goodInRow = 0;
    if (outcome.kind === 'timeout' || outcome.kind === 'refused') {
      if (this.sinceShrink <= this.size) return;
      this.shrinks[outcome.kind]++;
      this.halve();
      return;
    }
    if (this.recent.filter(Boolean).length >= ERROR_BURST && this.sinceShrink > this.size) {
      this.shrinks.errors++;
      this.halve();
      this.recent.length = 0;
    }
  }

  private halve(): void {
    this.sinceShrink = 0;
    this.size = Math.max(1, Math.floor(this.size / 2));
  }
}

/** A failed call's kind: a timeout, a refusal for load (JSON-RPC code 429 / "Too Many Requests"), or other. */
export function classifyCallError(err: unknown): 'timeout' | 'refused' | 'error' {
  // The failover wraps the last node's error ("no node answered", cause: the timeout): look down the causes.
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof RpcTransportError && e.code === 'NODE_TIMEOUT') return 'timeout';
    if (e instanceof RpcNodeError && e.rpcCode === 429) return 'refused';
    const text = e instanceof Error ? e.message : String(e);
    if (/(^|\D)429(\D|$)|too many requests|rate limit/i.test(text)) return 'refused';
    if (/timed? ?out|did not answer .* within/i.test(text)) return 'timeout';
  }
  return 'error';
}

/** One window per node (by sanitised URL), each with its own cap. */
export class NodeWindows {
  private readonly windows = new Map<string, AdaptiveWindow>();

  constructor(
    private readonly start: number,
    private readonly defaultMax: number,
    private readonly caps: Readonly<Record<string, number>> = {},
  ) {}

  of(url: string): AdaptiveWindow {
    let w = this.windows.get(url);
    if (!w) {
      w = new AdaptiveWindow({ start: this.start, max: this.caps[url] ?? this.defaultMax });
      this.windows.set(url, w);
    }
    return w;
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.floor(n)));
}
