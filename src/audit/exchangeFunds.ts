import type { Config } from '../config/index.js';
import { railEntries } from '../payout/rails/registry.js';
import { type ReconcileDeps, reconcileDeps } from './reconcileDeps.js';

/** What one exchange account holds for payments, or why it is not known. */
export type ExchangeFunds = { rail: string; label: string; sats: bigint | null; why?: string };

/**
 * The payable balance of every configured exchange rail, read through the rail registry's ledgers (`balance()`:
 * available minus the withdrawal fee). Never fails the report: a rail that does not answer within `timeoutMs`, has
 * no key, or whose keystore cannot be opened is listed as not reached, with why.
 * @param o.skip - why the accounts are not read at all (said in the report instead of a balance)
 */
export async function exchangeFunds(
  deps: ReconcileDeps,
  config: Config,
  o: { skip?: string; keystore: string; passwordFile?: string; timeoutMs?: number },
): Promise<ExchangeFunds[]> {
  const configured = railEntries(config).filter((r) => r.kind.ledger !== undefined);
  if (configured.length === 0) return [];
  const out = new Map<string, ExchangeFunds>(
    configured.map((r) => [r.name, { rail: r.name, label: r.label, sats: null, why: 'not read' }]),
  );
  if (o.skip) {
    for (const f of out.values()) f.why = `not read (${o.skip})`;
    return [...out.values()];
  }
  let sides: Awaited<ReturnType<typeof reconcileDeps>>;
  try {
    sides = await reconcileDeps(deps, config, {
      chain: false,
      exchanges: true,
      keystoreOptional: true,
      keystore: o.keystore,
      ...(o.passwordFile ? { passwordFile: o.passwordFile } : {}),
    });
  } catch (err) {
    const why = `not reached (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
    for (const f of out.values()) f.why = why;
    return [...out.values()];
  }
  try {
    for (const n of sides.notChecked) {
      const [name, ...rest] = n.split(': ');
      const f = name ? out.get(name) : undefined;
      if (f) f.why = `not reached (${rest.join(': ')})`;
    }
    await Promise.all(
      [...sides.exchanges].map(async ([name, ledger]) => {
        const f = out.get(name);
        if (!f) return;
        let timer: NodeJS.Timeout | undefined;
        try {
          const sats = await Promise.race([
            ledger.balance(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('no answer in time')), o.timeoutMs ?? 15_000);
            }),
          ]);
          f.sats = sats;
          delete f.why;
        } catch (err) {
          f.why = `not reached (${err instanceof Error ? err.message.split('\n')[0]?.slice(0, 160) : String(err)})`;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  } finally {
    await sides.close();
  }
  return [...out.values()];
}
