import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { toJson } from '../../src/db/receipts.js';
import { planIncoming } from '../../src/domain/planIncoming.js';
import fixtures from '../fixtures/planIncoming.json' with { type: 'json' };
import { type Case, type Defaults, inputOfCase, planCase } from '../helpers/planIncomingCase.js';

/**
 * planIncoming from a fixture table (valid and invalid cases, as bitcoinjs-lib's fixtures are): each case gives a
 * transfer and what the planner knows, and the exact effects the ledger must write, in order. Amounts in the
 * expected effects are decimal strings (bigints as receipts store them). Each case names the RULES.md rules it covers
 * (ids in the fixture's `rules` header); a rule without a case fails the coverage test below.
 */

const D = fixtures.defaults as Defaults;
const planOf = (c: Case) => planCase(c, D);
const inputOf = (c: Case) => inputOfCase(c, D);

const valid = fixtures.valid as Case[];
const invalid = fixtures.invalid as Case[];
const all = [...valid, ...invalid];

describe('planIncoming: fixture table', () => {
  describe('valid', () => {
    it.each(valid)('$description', (c) => {
      const effects = planOf(c);
      expect(effects).toEqual(c.effects);
      // Receipts are hashed as stored: the key order of every planned message is part of the contract.
      expect(toJson(effects)).toBe(toJson(c.effects));
    });
  });
  describe('invalid', () => {
    it.each(invalid)('$description', (c) => {
      if (c.throws !== undefined) {
        expect(() => planOf(c)).toThrow(c.throws);
        return;
      }
      const effects = planOf(c);
      expect(effects).toEqual(c.effects);
      expect(toJson(effects)).toBe(toJson(c.effects));
    });
  });
});

describe('planIncoming: what holds for every case', () => {
  it.each(all.filter((c) => c.throws === undefined))('claims the op first, then receipts the transfer: $description', (c) => {
    const effects = planOf(c) as Array<{ kind: string; outcome?: string; msg?: { event: string; outcome?: string } }>;
    expect(effects[0]?.kind).toBe('claim_op');
    expect(effects[1]).toMatchObject({ kind: 'receipt', msg: { event: 'transfer_in', outcome: effects[0]?.outcome } });
  });

  it('is pure: the same input plans the same effects, and the input is not changed', () => {
    for (const c of all.filter((x) => x.throws === undefined && x.failedWith === undefined)) {
      const input = inputOf(c);
      const before = toJson(input);
      const once = toJson(planIncoming(input));
      expect(toJson(planIncoming(input)), c.description).toBe(once);
      expect(toJson(input), c.description).toBe(before);
    }
  });
});

describe('planIncoming: RULES.md coverage', () => {
  const ruleIds = Object.keys(fixtures.rules);
  it.each(ruleIds)('rule %s has at least one case', (id) => {
    expect(all.filter((c) => c.rules.includes(id)).map((c) => c.description)).not.toEqual([]);
  });
  it('every case names rules of the header, and at least one', () => {
    for (const c of all) {
      expect(c.rules.length, c.description).toBeGreaterThan(0);
      for (const r of c.rules) expect(ruleIds, `${c.description}: ${r}`).toContain(r);
    }
  });
  it('each allowed stake amount and each term has a new-contract case', () => {
    const terms = parseConfig({}).terms;
    const opened = valid.flatMap((c) =>
      (c.effects as Array<{ kind: string; contract?: { amountBts: number; months: number } }>).flatMap((e) =>
        e.kind === 'open_contract' && !c.terms ? [e.contract!] : [],
      ),
    );
    for (const a of terms.amounts) expect(opened.map((o) => o.amountBts)).toContain(a);
    for (const m of Object.values(terms.months)) expect(opened.map((o) => o.months)).toContain(m);
  });
});
