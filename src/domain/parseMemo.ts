/** Client memo types (RULES.md "Memo"). */
export const CLIENT_TYPES = ['three_months', 'six_months', 'twelve_months', 'stop'] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];
export type StakeType = Exclude<ClientType, 'stop'>;

/** Manager memo types, with their legacy spellings (the original bot's `bmg` = the broker). */
export const MANAGER_TYPES = ['bittrex_to_broker', 'broker_to_bittrex', 'loan_to_broker'] as const;
export type ManagerType = (typeof MANAGER_TYPES)[number];
// A Map, not an object literal: a memo type such as `constructor` or `__proto__` must not find Object.prototype.
const MANAGER_ALIASES: ReadonlyMap<string, ManagerType> = new Map([
  ['bittrex_to_broker', 'bittrex_to_broker'],
  ['broker_to_bittrex', 'broker_to_bittrex'],
  ['loan_to_broker', 'loan_to_broker'],
  ['bittrex_to_bmg', 'bittrex_to_broker'],
  ['bmg_to_bittrex', 'broker_to_bittrex'],
  ['loan_to_bmg', 'loan_to_broker'],
]);

/** Memos longer than this are not instructions (the chain caps a transaction at 2 KiB anyway). */
export const MAX_MEMO_BYTES = 1_024;

export type ParsedMemo =
  | { kind: 'client'; type: ClientType }
  | { kind: 'manager'; type: ManagerType; amount: number | null; account: number | null }
  | { kind: 'funding' }
  | { kind: 'invalid'; reason: MemoInvalidReason };

export type MemoInvalidReason = 'no_memo' | 'memo_empty' | 'memo_too_long' | 'memo_not_utf8' | 'memo_not_understood' | 'memo_unknown_type';

/**
 * Reads a decrypted memo into an instruction. Accepted (whitespace and case ignored): a JSON object with a `type`
 * (extra keys ignored), a JSON string, or the bare word. Manager types only as a JSON object (they carry fields).
 * Never throws: anything else is `invalid` with a reason.
 */
export function parseMemo(memo: Buffer | string | null | undefined): ParsedMemo {
  if (memo === null || memo === undefined) return invalid('no_memo');
  const bytes = typeof memo === 'string' ? Buffer.from(memo, 'utf8') : memo;
  if (bytes.length > MAX_MEMO_BYTES) return invalid('memo_too_long');
  const text = decodeUtf8(bytes);
  if (text === null) return invalid('memo_not_utf8');
  const squashed = text.replace(/\s+/g, '').toLowerCase();
  if (squashed === '') return invalid('memo_empty');

  const json = tryJson(squashed);
  if (json.ok) {
    const value = json.value;
    if (typeof value === 'string') return fromWord(value, false);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const obj = value as Record<string, unknown>;
      // Own properties only: JSON.parse never sets a prototype, but a missing `type` must not read an inherited one.
      if (!Object.hasOwn(obj, 'type') || typeof obj.type !== 'string') return invalid('memo_not_understood');
      const manager = MANAGER_ALIASES.get(obj.type);
      if (manager)
        return {
          kind: 'manager',
          type: manager,
          amount: intField(own(obj, 'amount')),
          account: intField(own(obj, 'account') ?? own(obj, 'api')),
        };
      return fromWord(obj.type, false);
    }
    return invalid('memo_not_understood');
  }
  // The original bot also accepted the word wrapped in single quotes.
  return fromWord(squashed.replace(/^'(.*)'$/, '$1'), true);
}

function fromWord(word: string, bare: boolean): ParsedMemo {
  if ((CLIENT_TYPES as readonly string[]).includes(word)) return { kind: 'client', type: word as ClientType };
  if (word === 'funding') return { kind: 'funding' };
  if (MANAGER_ALIASES.has(word)) return invalid('memo_not_understood');
  return invalid(bare && !/^[a-z_]+$/.test(word) ? 'memo_not_understood' : 'memo_unknown_type');
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function intField(v: unknown): number | null {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return null;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function decodeUtf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function invalid(reason: MemoInvalidReason): ParsedMemo {
  return { kind: 'invalid', reason };
}
