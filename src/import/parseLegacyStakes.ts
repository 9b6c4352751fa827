import type { Terms } from '../config/configSchema.js';

export type LegacyContract = {
  line: number;
  user: string;
  start: number;
  amountBts: number;
  months: number;
  monthsPaid: number;
};

export type LegacyLineError = { line: number; text: string; reason: string };

/** Earliest plausible start: BitShares mainnet launch (2015-10-13). Catches seconds typed instead of ms. */
const EARLIEST_START_MS = Date.UTC(2015, 9, 13);

/**
 * Parses the legacy `STAKES` text: `username start_ms amount months months_paid` per line (spaces or tabs; blank
 * lines and `#` comments ignored). Every line is checked; the caller writes nothing unless `errors` is empty.
 * @param firstLine - file line number of the text's first line (the text is a block inside a file) @default 1
 */
export function parseLegacyStakes(
  text: string,
  terms: Terms,
  nowMs = Date.now(),
  firstLine = 1,
): { contracts: LegacyContract[]; errors: LegacyLineError[] } {
  const contracts: LegacyContract[] = [];
  const errors: LegacyLineError[] = [];
  const seen = new Map<string, number>();
  const termMonths = new Set(Object.values(terms.months));
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = firstLine + i;
    const parsed = parseLine(raw, line, terms, termMonths, nowMs);
    if (parsed === null) return;
    if (typeof parsed === 'string') {
      errors.push({ line, text: raw.trim(), reason: parsed });
      return;
    }
    const key = `${parsed.user} ${parsed.start} ${parsed.amountBts} ${parsed.months}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ line, text: raw.trim(), reason: `same contract as line ${first}` });
      return;
    }
    seen.set(key, line);
    contracts.push(parsed);
  });
  return { contracts, errors };
}

/** One line: null when blank or a comment, the reason when it is bad, else the contract. */
function parseLine(raw: string, line: number, terms: Terms, termMonths: Set<number>, nowMs: number): LegacyContract | string | null {
  const content = raw.replace(/#.*$/, '').trim();
  if (content === '') return null;
  const fields = content.split(/[ \t]+/);
  if (fields.length !== 5) return `expected 5 fields (username start_ms amount months months_paid), found ${fields.length}`;
  const [user = '', startText = '', amountText = '', monthsText = '', paidText = ''] = fields;
  if (!/^[a-z][a-z0-9.-]{1,62}$/.test(user)) return `"${user}" is not a BitShares account name`;
  const start = wholeNumber(startText);
  if (start === null) return `start_ms "${startText}" is not a whole number of milliseconds`;
  if (start < EARLIEST_START_MS) return `start_ms ${start} is before the BitShares chain existed (seconds instead of ms?)`;
  if (start > nowMs) return `start_ms ${start} is in the future`;
  const amount = wholeNumber(amountText);
  if (amount === null || !terms.amounts.includes(amount)) return `amount "${amountText}" is not an allowed stake amount`;
  const months = wholeNumber(monthsText);
  if (months === null || !termMonths.has(months)) return `months "${monthsText}" is not a term (${[...termMonths].join(', ')})`;
  const monthsPaid = wholeNumber(paidText);
  if (monthsPaid === null || monthsPaid > months) return `months_paid "${paidText}" must be a whole number from 0 to ${months}`;
  return { line, user, start, amountBts: amount, months, monthsPaid };
}

function wholeNumber(text: string): number | null {
  if (!/^\d{1,16}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** The idempotency key of a legacy contract: re-running the import finds it and adds nothing. */
export function legacySourceKey(c: Pick<LegacyContract, 'user' | 'start' | 'amountBts' | 'months'>): string {
  return `import:${c.user}:${c.start}:${c.amountBts}:${c.months}`;
}
