import type { NodeClient } from '../chain/nodeClient/index.js';
import type { AssetInfo } from './formatAmount.js';

/**
 * Symbol and precision of each asset id, read from the chain (`get_assets`). An asset the node does not know, or
 * every asset when the node does not answer within `timeoutMs`, maps to null: shown as "(precision unknown)".
 */
export async function resolveAssets(
  node: Pick<NodeClient, 'getAssets'> | null,
  ids: readonly string[],
  timeoutMs = 10_000,
): Promise<Map<string, AssetInfo | null>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, AssetInfo | null>(unique.map((id) => [id, null]));
  if (!node || unique.length === 0) return out;
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      node.getAssets(unique),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      }),
    ]);
    answer?.forEach((a, i) => {
      if (a && a.id === unique[i]) out.set(a.id, { symbol: a.symbol, precision: a.precision });
    });
  } catch {
    // Unreachable or refusing: every asset stays unknown, and the report says so instead of failing.
  } finally {
    clearTimeout(timer);
  }
  return out;
}
