import type { Entitlement } from './computeEntitlements.js';

/** One payment a client received, as the chain ledger or an exchange ledger shows it. */
export type ReceivedPayment = {
  client: string;
  amountSats: bigint;
  /** 'broker' (chain) or 'bittrex1'… (exchange). */
  rail: string;
  /** Chain tx id or withdrawal id. */
  ref: string;
  /** What the database says it paid (payout purpose), when it knows the payment. */
  purpose: string | null;
};

export type ClientDifference = {
  client: string;
  /** Owed and due, received nowhere, and nothing on its way. */
  missing: Entitlement[];
  /** Received, and owed by no rule. */
  extra: ReceivedPayment[];
  /** Owed and received for the same reason, with a different amount. */
  wrong: Array<{ owed: Entitlement; received: ReceivedPayment }>;
};

export type ReplayComparison = {
  owed: number;
  matched: number;
  /** Owed and due, not received yet, but a payment for it is on its way (pending payout or withdrawal in flight). */
  inFlight: Array<{ client: string; owed: Entitlement }>;
  differences: ClientDifference[];
};

/**
 * Per client, matches what RULES.md says is owed with what was received: an exact amount pairs first (oldest due
 * first); what is left owed is in flight when a payment of that client and amount is on its way, else missing;
 * a leftover owed and a leftover received for the same purpose are one wrong amount; the rest is extra.
 */
export function compareEntitlements(
  owed: readonly Entitlement[],
  received: readonly ReceivedPayment[],
  onTheirWay: ReadonlyArray<{ client: string; amountSats: bigint }> = [],
): ReplayComparison {
  const clients = [...new Set([...owed.map((e) => e.client), ...received.map((r) => r.client)])].sort();
  const way = [...onTheirWay];
  const inFlight: ReplayComparison['inFlight'] = [];
  const differences: ClientDifference[] = [];
  let matched = 0;
  for (const client of clients) {
    const left = received.filter((r) => r.client === client);
    const unpaid: Entitlement[] = [];
    for (const e of owed.filter((x) => x.client === client)) {
      const i = left.findIndex((r) => r.amountSats === e.amountSats);
      if (i >= 0) {
        left.splice(i, 1);
        matched++;
        continue;
      }
      const w = way.findIndex((p) => p.client === client && p.amountSats === e.amountSats);
      if (w >= 0) {
        way.splice(w, 1);
        inFlight.push({ client, owed: e });
        continue;
      }
      unpaid.push(e);
    }
    const wrong: ClientDifference['wrong'] = [];
    const missing: Entitlement[] = [];
    for (const e of unpaid) {
      const i = left.findIndex((r) => r.purpose === e.kind);
      if (i >= 0) wrong.push({ owed: e, received: left.splice(i, 1)[0] as ReceivedPayment });
      else missing.push(e);
    }
    if (missing.length + left.length + wrong.length > 0) differences.push({ client, missing, extra: left, wrong });
  }
  return { owed: owed.length, matched, inFlight, differences };
}
