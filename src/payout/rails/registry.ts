import { type Config, exchangeAccountOf } from '../../config/index.js';
import { BaseError, isError } from '../../errors/BaseError.js';
import type { PayoutSecrets } from '../types.js';
import { bittrexRailKind } from './bittrex/bittrexRail.js';
import { brokerRailKind } from './broker/brokerRail.js';
import type { Rail, RailDeps, RailKind, RailLedger } from './Rail.js';

/** Every rail kind the daemon knows. Adding one is one folder beside these and one line here (docs/adding-a-rail.md). */
export const RAIL_KINDS: ReadonlyMap<string, RailKind> = new Map<string, RailKind>([
  [brokerRailKind.kind, brokerRailKind as RailKind],
  [bittrexRailKind.kind, bittrexRailKind as RailKind],
]);

/** The rails one daemon pays over, built from `config.rails`, in the order payments try them. */
export type RailRegistry = {
  /** In config order. */
  readonly all: readonly Rail[];
  get(name: string): Rail | undefined;
  /** The exchange rail whose account number an admin instruction names. */
  exchange(account: number): Rail | undefined;
};

/** The validated settings of each configured rail and its name, without building it (status and audit need no keys). */
export function railEntries(
  config: Config,
  kinds: ReadonlyMap<string, RailKind> = RAIL_KINDS,
): Array<{ name: string; label: string; kind: RailKind; entry: { kind: string } }> {
  const seen = new Set<string>();
  return config.rails.map((raw, i) => {
    const kind = kinds.get(raw.kind);
    if (!kind) {
      throw new BaseError('CONFIG_INVALID', `rails.${i}: unknown rail kind "${raw.kind}" (known: ${[...kinds.keys()].join(', ')}).`);
    }
    const parsed = kind.entrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new BaseError('CONFIG_INVALID', `rails.${[i, ...issue.path].join('.')}: ${issue.message}.`);
    }
    const name = kind.nameOf(parsed.data);
    if (seen.has(name)) throw new BaseError('CONFIG_INVALID', `rails.${i}: rail ${name} is listed twice.`);
    seen.add(name);
    return { name, label: kind.labelOf(parsed.data), kind, entry: parsed.data };
  });
}

/** The configured exchange rail an admin instruction's account number names (its name and label), without keys. */
export function exchangeRailEntry(
  config: Config,
  account: number,
  kinds: ReadonlyMap<string, RailKind> = RAIL_KINDS,
): { name: string; label: string } | undefined {
  const found = railEntries(config, kinds).find((r) => exchangeAccountOf(r.entry) === account);
  return found && { name: found.name, label: found.label };
}

/**
 * Builds the configured rails. A bad entry (unknown kind, a setting its kind refuses, the same rail twice, a key the
 * keystore lacks) is one sentence naming it.
 * @throws BaseError('CONFIG_INVALID' | 'AUTH_FAILED')
 */
export function createRailRegistry(config: Config, deps: RailDeps, kinds: ReadonlyMap<string, RailKind> = RAIL_KINDS): RailRegistry {
  const all = railEntries(config, kinds).map(({ kind, entry }) => kind.create(entry, deps));
  const byName = new Map(all.map((r) => [r.name, r]));
  return {
    all,
    get: (name) => byName.get(name),
    exchange: (account) => all.find((r) => r.exchange?.account === account),
  };
}

/**
 * The read side of every configured rail whose kind has one (the exchange accounts), for audits: built from the
 * config and the keystore's keys, without a database or a node. A rail whose key the keystore lacks is in `refused`
 * with the sentence why; the others are still built.
 * @throws BaseError('CONFIG_INVALID')
 */
export function createRailLedgers(
  config: Config,
  secrets: PayoutSecrets,
  kinds: ReadonlyMap<string, RailKind> = RAIL_KINDS,
): { ledgers: RailLedger[]; refused: Array<{ name: string; reason: string }> } {
  const ledgers: RailLedger[] = [];
  const refused: Array<{ name: string; reason: string }> = [];
  for (const { name, kind, entry } of railEntries(config, kinds)) {
    if (!kind.ledger) continue;
    try {
      ledgers.push(kind.ledger(entry, secrets));
    } catch (err) {
      if (!isError(err, 'AUTH_FAILED')) throw err;
      refused.push({ name, reason: err.message });
    }
  }
  return { ledgers, refused };
}
