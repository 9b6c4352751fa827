import { z } from 'zod';

/** RULES.md defaults, in one place. The code reads them from the config object only. */
/** BitShares mainnet (bitshares-node.md §3): the chain a daemon without a `chainId` setting works on, never another. */
export const MAINNET_CHAIN_ID = '4018d7844c78f6a6c41c6a552b898022310fc5dec06da467ee7905a8dad512c8';

export const DEFAULT_AMOUNTS = [25_000, 50_000, 100_000, 200_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000];
export const MONTH_MS = 2_592_000_000;

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
/** Whole BTS: never more than can exist (BTS max supply is about 3.6 billion). */
const MAX_WHOLE_BTS = 3_600_570_502;
const wholeBts = positiveInt.max(MAX_WHOLE_BTS);
/** A payment the desk sends as a courtesy (contract receipt, support notice): small by nature. */
const courtesyBts = positiveInt.max(1_000);

/** Refuses the same value twice in a list, naming the second one (`rails.2: rail broker is listed twice`). */
function unique<T>(key: (v: T) => unknown, what: (v: T) => string) {
  return (list: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<unknown>();
    list.forEach((v, i) => {
      const k = key(v);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], message: `${what(v)} is listed twice` });
      seen.add(k);
    });
  };
}
const accountName = z.string().regex(/^[a-z][a-z0-9.-]{1,62}$/, 'must be a BitShares account name (lowercase, 2-63 chars)');
const wsUrl = z.string().regex(/^wss?:\/\/\S+$/, 'must be a ws:// or wss:// URL');

export const termsSchema = z
  .object({
    amounts: z
      .array(wholeBts)
      .min(1)
      .superRefine(unique((v) => v, String))
      .default(DEFAULT_AMOUNTS),
    months: z
      .object({
        three_months: positiveInt.default(3),
        six_months: positiveInt.default(6),
        twelve_months: positiveInt.default(12),
      })
      .strict()
      .prefault({}),
    interestBps: nonNegativeInt.default(800),
    penaltyBps: nonNegativeInt.max(10_000).default(1_500),
    monthMs: positiveInt.min(1_000).default(MONTH_MS),
    invalidFee: nonNegativeInt.max(MAX_WHOLE_BTS).default(50),
    minRefund: nonNegativeInt.max(MAX_WHOLE_BTS).default(10),
    receiptAmount: courtesyBts.default(1),
    supportNoticeAmount: courtesyBts.default(1),
    adminMin: wholeBts.default(400),
    adminMaxAgeMs: positiveInt.default(3_600_000),
    coverDays: positiveInt.default(7),
  })
  .strict();

const bittrexAccountSchema = z
  .object({
    index: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    depositMemo: z.string().min(1),
  })
  .strict();

/**
 * One payment rail: `kind` names a rail kind (src/payout/rails/registry.ts), the other keys are that kind's settings,
 * checked by the kind's own schema when the rails are built. Order is the order payments try them in.
 */
const railEntrySchema = z
  .object({ kind: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be a rail kind such as "broker"') })
  .catchall(z.unknown());
export type RailEntry = z.infer<typeof railEntrySchema>;

/** The rail names of the older shorthand (`payout.rails` with `bittrex.accounts`). */
const legacyRailName = z.string().regex(/^(broker|bittrex[1-3])$/, 'must be broker, bittrex1, bittrex2 or bittrex3');

const configObjectSchema = z
  .object({
    db: z.string().min(1).default('db/stakebts.sqlite'),
    nodes: z
      .array(wsUrl)
      .min(1)
      .superRefine(unique((u) => u, String))
      .default(['ws://127.0.0.1:8090']),
    chainId: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 hex characters')
      .default(MAINNET_CHAIN_ID),
    // A plain ws:// link to another machine lets anyone on the path invent deposits: refused unless said so here.
    allowInsecureNodes: z.boolean().default(false),
    // Distinct nodes that must return the same block (id and broker operations) before a block holding a broker
    // operation is applied: 1 trusts any one configured node.
    quorum: positiveInt.max(16).default(1),
    broker: accountName.default('stakebts-broker'),
    managers: z.array(accountName).default([]),
    fundingAccounts: z.array(accountName).default(['bittrex-deposit']),
    startBlock: positiveInt.default(1),
    terms: termsSchema.prefault({}),
    // The payment rails, in the order a payment tries them. Unset: the older shorthand below (`payout.rails` naming
    // `broker` and the `bittrex.accounts`), and with neither, the broker alone.
    rails: z.array(railEntrySchema).min(1).max(16).optional(),
    // Settings shared by the Bittrex accounts of the older shorthand (and their defaults in `rails` entries).
    bittrex: z
      .object({
        baseUrl: z.url().default('http://127.0.0.1:8091/v3'),
        depositAccount: accountName.default('bittrex-deposit'),
        accounts: z
          .array(bittrexAccountSchema)
          .max(3)
          .superRefine((list, ctx) => {
            const seen = new Set<number>();
            list.forEach((a, i) => {
              if (seen.has(a.index))
                ctx.addIssue({ code: 'custom', path: [i, 'index'], message: `account ${a.index} is configured twice` });
              seen.add(a.index);
            });
          })
          .default([]),
        timeoutMs: positiveInt.default(10_000),
      })
      .strict()
      .prefault({}),
    payout: z
      .object({
        // The older shorthand for `rails`: names, tried in order; a bittrexN without its `bittrex.accounts` entry is skipped.
        rails: z
          .array(legacyRailName)
          .min(1)
          .superRefine(
            unique(
              (r) => r,
              (r) => `rail ${r}`,
            ),
          )
          .optional(),
        // Where client payments come from when exchange rails exist: "topup" pays every client from the broker and, when
        // the broker cannot cover what falls due within terms.coverDays, first withdraws the shortfall from the exchange
        // accounts to it; "direct" pays a client from an exchange account when the broker is short. Unset: "topup" with
        // `rails`, "direct" with the older shorthand (an upgrade never changes where money comes from by itself).
        mode: z.enum(['topup', 'direct']).optional(),
        // The most one top-up round moves from the exchange accounts to the broker, whole BTS.
        maxTopUpBts: wholeBts.default(1_000_000),
        timeoutMs: positiveInt.min(1_000).default(60_000),
        // Workers are small (no keys, no signing: ws or node:http only) and mostly wait on the network; 8 keeps two cores busy.
        concurrency: positiveInt.max(64).default(8),
        cycleMs: positiveInt.min(100).default(10_000),
        // New attempts one cycle may start: a backlog is worked through over several cycles, and each begins by
        // reconciling what was sent, so confirmations are never starved by new sends.
        maxStartsPerCycle: positiveInt.max(10_000).default(200),
        // The most a node's fee quote may be for one payment; above it the quote is refused and the next node asked.
        // A transfer with a memo costs well under 1 BTS on mainnet today.
        maxFeeSats: positiveInt.max(100_000_000_000).default(2_000_000),
        retryBackoffMs: positiveInt.min(10).default(60_000),
        maxBackoffMs: positiveInt.default(3_600_000),
      })
      .strict()
      .superRefine((p, ctx) => {
        if (p.maxBackoffMs < p.retryBackoffMs) {
          ctx.addIssue({ code: 'custom', path: ['maxBackoffMs'], message: 'must be at least payout.retryBackoffMs' });
        }
      })
      .prefault({}),
    listener: z
      .object({
        // The most concurrent get_block calls one node is given; the adaptive window starts at windowStart and grows
        // toward it while the node answers fast and without errors (windowCaps: a lower cap for a named node URL).
        window: positiveInt.max(1_000).default(256),
        windowStart: positiveInt.max(1_000).default(8),
        windowCaps: z.record(z.string().min(1), positiveInt.max(1_000)).default({}),
        // History-first catch-up where a node offers the history api ('off': the block scan alone).
        history: z.enum(['auto', 'off']).default('auto'),
        // The rate of the full block scan behind the history cursor (every block is still read, politely).
        backgroundBlocksPerSec: positiveInt.max(100_000).default(200),
        pollMs: positiveInt.min(10).default(3_000),
        callTimeoutMs: positiveInt.min(100).default(10_000),
      })
      .strict()
      .prefault({}),
    backup: z
      .object({
        // Where the daemon writes its scheduled, checked copies; none when unset (then back up with `stakebts backup`).
        dir: z.string().min(1).optional(),
        everyMs: positiveInt.min(1_000).default(21_600_000),
        keep: positiveInt.max(1_000).default(14),
      })
      .strict()
      .prefault({}),
    supportContact: z.string().min(1).default('support@stakebts.example'),
    keystore: z.string().min(1).default('stakebts.keystore.json'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const configSchema = configObjectSchema
  .superRefine((c, ctx) => {
    if (c.rails && (c.payout.rails || c.bittrex.accounts.length > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['rails'],
        message: 'set either "rails" or the older payout.rails / bittrex.accounts, not both',
      });
    }
    c.nodes.forEach((url, i) => {
      if (!c.allowInsecureNodes && isInsecureRemote(url)) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', i],
          message: `${url.replace(/\/\/[^@/]*@/, '//')} is a plain ws:// link to another machine; use wss:// (or set allowInsecureNodes)`,
        });
      }
    });
    if (c.quorum > c.nodes.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['quorum'],
        message: `needs at least ${c.quorum} nodes in "nodes" (${c.nodes.length} configured)`,
      });
    }
  })
  .transform((c) => ({
    ...c,
    rails: c.rails ?? legacyRails(c),
    payout: { ...c.payout, mode: c.payout.mode ?? (c.rails ? ('topup' as const) : ('direct' as const)) },
  }));

/**
 * The rails of the older shorthand: `payout.rails` names in order (default: the broker, then every configured Bittrex
 * account), each `bittrexN` an instance of the bittrex kind with the shared `bittrex` settings.
 */
function legacyRails(c: z.infer<typeof configObjectSchema>): RailEntry[] {
  const names = c.payout.rails ?? ['broker', ...c.bittrex.accounts.map((a) => `bittrex${a.index}`)];
  return names.flatMap((name): RailEntry[] => {
    if (name === 'broker') return [{ kind: 'broker' }];
    const account = c.bittrex.accounts.find((a) => `bittrex${a.index}` === name);
    if (!account) return [];
    return [
      {
        kind: 'bittrex',
        account: account.index,
        depositMemo: account.depositMemo,
        baseUrl: c.bittrex.baseUrl,
        depositAccount: c.bittrex.depositAccount,
        timeoutMs: c.bittrex.timeoutMs,
      },
    ];
  });
}

/** A ws:// URL whose host is not this machine (loopback): its traffic can be read and changed on the way. */
export function isInsecureRemote(url: string): boolean {
  const m = /^ws:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/i.exec(url);
  if (!m) return false;
  const host = m[1]!.toLowerCase();
  return !(host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host));
}

export type Config = z.infer<typeof configSchema>;
export type Terms = Config['terms'];
export type ConfigInput = z.input<typeof configSchema>;
