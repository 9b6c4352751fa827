import { bittrexRailKind } from '../../src/payout/rails/bittrex/bittrexRail.js';
import type { RailLedger } from '../../src/payout/rails/Rail.js';
import type { SimAccountInput as BittrexSimAccount } from '../../src/sim/bittrex/index.js';
import { type Payload, wrapPayload } from '../../src/wallet/keystoreFormat.js';
import { Secret } from '../../src/wallet/Secret.js';

/**
 * The exchange rails' read side as `audit` builds it from the registry (the Bittrex kind's `ledger`), over the
 * Bittrex simulator: account n+1 for each simulator account given.
 */
export function simRailLedgers(baseUrl: string, accounts: readonly BittrexSimAccount[]): Map<string, RailLedger> {
  const secrets = {
    brokerActiveWif: new Secret('unused'),
    brokerMemoWif: new Secret('unused'),
    exchangeKeys: accounts.map((a, i) => ({ account: i + 1, apiKey: new Secret(a.apiKey), apiSecret: new Secret(a.apiSecret) })),
  };
  const ledger = bittrexRailKind.ledger;
  if (!ledger) throw new Error('the bittrex rail kind has no ledger');
  return new Map(
    accounts.map((a, i) => {
      const l = ledger(
        { kind: 'bittrex', account: i + 1, depositMemo: a.depositTag, baseUrl, depositAccount: 'bittrex-deposit', timeoutMs: 5_000 },
        secrets,
      );
      return [l.name, l];
    }),
  );
}

/** A keystore's payload as `audit` unlocks it: the broker's keys and the simulator accounts' API keys. */
export function simPayload(broker: { name: string; activeWif: string; memoWif: string }, accounts: readonly BittrexSimAccount[]): Payload {
  return wrapPayload({
    broker: { account: broker.name, activeWif: broker.activeWif, memoWif: broker.memoWif },
    bittrex: accounts.map((a, i) => ({ index: (i + 1) as 1 | 2 | 3, apiKey: a.apiKey, apiSecret: a.apiSecret })),
  });
}
