import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planTopUp } from '../../src/domain/planTopUp.js';

type Case = {
  description: string;
  input: { brokerSats: string; dueSats: string; inFlightSats: string; exchanges: [string, string][]; maxSats: string };
  expected: { shortfallSats: string; moves: [string, string][]; uncoveredSats: string };
};
const fixture = JSON.parse(readFileSync(new URL('../fixtures/planTopUp.json', import.meta.url), 'utf8')) as { valid: Case[] };

describe('planTopUp (broker-first treasury), from the fixture table', () => {
  it.each(fixture.valid.map((c) => [c.description, c] as const))('%s', (_d, c) => {
    const plan = planTopUp({
      brokerSats: BigInt(c.input.brokerSats),
      dueSats: BigInt(c.input.dueSats),
      inFlightSats: BigInt(c.input.inFlightSats),
      exchanges: c.input.exchanges.map(([rail, s]) => ({ rail, spendableSats: BigInt(s) })),
      maxSats: BigInt(c.input.maxSats),
    });
    expect({
      shortfallSats: plan.shortfallSats.toString(),
      moves: plan.moves.map((m) => [m.rail, m.amountSats.toString()]),
      uncoveredSats: plan.uncoveredSats.toString(),
    }).toEqual(c.expected);
  });
});
