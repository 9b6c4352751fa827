/** One scripted transfer to the broker, on a given simulated day after the daemon is up. */
export type DemoAction = {
  day: number;
  from: string;
  amountBts: number;
  /** Memo text (encrypted to the broker's memo key, as a wallet does). */
  memo?: string;
  /** Asset other than BTS (e.g. '1.3.121' USD). */
  assetId?: string;
  /** What a reader of the summary should expect. */
  what: string;
};

/** The accounts the demo creates besides the broker and the Bittrex deposit account. */
export const DEMO_CLIENTS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'mallory'] as const;
export const DEMO_MANAGER = 'desk-manager';

/**
 * The demo's script: clients staking every term (and one staking again when her term ends), a stop, bad memos,
 * a wrong amount, a stop without a contract, a non-BTS asset, an admin memo from a stranger, and the manager
 * topping the broker up from Bittrex and lending it BTS. Only actions within `months` are kept.
 */
export function demoScenario(months: number): DemoAction[] {
  const all: DemoAction[] = [
    { day: 1, from: 'alice', amountBts: 25_000, memo: '{"type":"three_months"}', what: 'stake 25 000 BTS for 3 months' },
    { day: 1, from: 'bob', amountBts: 50_000, memo: '"six_months"', what: 'stake 50 000 BTS for 6 months' },
    { day: 1, from: 'carol', amountBts: 100_000, memo: 'twelve_months', what: 'stake 100 000 BTS for 12 months' },
    { day: 1, from: 'dave', amountBts: 25_000, memo: '{"type":"six_months"}', what: 'stake 25 000 BTS for 6 months (stops later)' },
    { day: 1, from: 'erin', amountBts: 500, memo: 'hello broker', what: 'bad memo: refund 450 BTS' },
    { day: 1, from: 'gina', amountBts: 1_000, memo: 'three_months', assetId: '1.3.121', what: 'USD instead of BTS: kept, listed' },
    { day: 2, from: 'erin', amountBts: 30_000, memo: 'six_months', what: 'amount not allowed: refund 29 950 BTS' },
    {
      day: 2,
      from: 'mallory',
      amountBts: 500,
      memo: '{"type":"bittrex_to_broker","amount":5000,"account":1}',
      what: 'admin memo from a stranger: refund 450 BTS',
    },
    { day: 2, from: 'frank', amountBts: 100, memo: 'stop', what: 'stop without a contract: refund 50 BTS' },
    {
      day: 3,
      from: 'desk-manager',
      amountBts: 1,
      memo: '{"type":"bittrex_to_broker","amount":5000,"account":1}',
      what: 'manager tops the broker up with 5 000 BTS from Bittrex 1',
    },
    { day: 3, from: 'erin', amountBts: 60, memo: '', what: 'no memo, 60 BTS: too small to refund, kept' },
    { day: 45, from: 'dave', amountBts: 1, memo: 'stop', what: 'stop: principal minus 15 % penalty plus the 1 BTS back' },
    { day: 95, from: 'alice', amountBts: 25_000, memo: 'three_months', what: 'alice stakes again for 3 months' },
    { day: 100, from: 'desk-manager', amountBts: 1_000, memo: '{"type":"loan_to_broker"}', what: 'manager lends the broker 1 000 BTS' },
  ];
  return all.filter((a) => a.day <= months * 30);
}
