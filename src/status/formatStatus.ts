import { formatBts } from '../domain/money.js';
import type { DbStatus } from './collectDbStatus.js';
import type { LiveStatus } from './collectLiveStatus.js';

export type FullStatus = { db: DbStatus; live: LiveStatus };

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const bts = (sats: bigint | null) => (sats === null ? 'unknown' : `${formatBts(sats)} BTS`);

/** The status as JSON-ready data: bigints become decimal strings of satoshis, times stay ms. */
export function statusJson(s: FullStatus): unknown {
  return JSON.parse(JSON.stringify({ ...s.db, live: s.live, lagBlocks: lagOf(s) }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

function lagOf(s: FullStatus): number | null {
  if (!s.live.node) return null;
  return Math.max(0, s.live.node.irreversibleBlock - (s.db.cursor?.blockNum ?? 0));
}

/** Mode (history or scan, and why), blocks/s, time left, window: what catching up looks like now. */
function catchUpLines(db: FullStatus['db']): string[] {
  const c = db.catchUp;
  if (!c) return [];
  const eta = c.etaMs === null ? 'unknown' : c.etaMs < 1_000 ? 'caught up' : `${Math.ceil(c.etaMs / 1000)} s left`;
  const mode =
    c.mode === 'history'
      ? `history (history cursor block ${c.historyBlock}; payments go by it; the full scan behind it at block ${c.scanBlock})`
      : `scan${c.note ? ` (${c.note})` : ''}`;
  return [`           mode ${mode}; ${c.blocksPerSec} blocks/s, ${eta}, window ${c.window}`];
}

/** The status as lines for a person. */
export function formatStatus(s: FullStatus): string {
  const { db, live } = s;
  const lag = lagOf(s);
  const cover = (live.brokerBalanceSats ?? db.lastBalances?.brokerSats ?? null) as bigint | null;
  const railsTotal = db.lastBalances?.rails.reduce((sum, b) => sum + b.availableSats, 0n) ?? 0n;
  const lines = [
    `listener   cursor ${db.cursor ? `block ${db.cursor.blockNum} (${iso(db.cursor.blockTime)})` : 'none (never started)'}`,
    ...catchUpLines(db),
    `           node ${live.node ? `irreversible ${live.node.irreversibleBlock}, head ${live.node.headBlock}, lag ${lag} block(s)` : (live.error ?? 'unreachable')}`,
    `nodes      ${live.trust.reachable} of ${live.trust.configured} reachable, quorum ${live.trust.quorum}${live.trust.warnings.length ? '' : ', no warning'}`,
    ...live.trust.warnings.map((w) => `  WARNING  ${w}`),
    ...(db.recovering ? ['payments   WAITING: recovering after a restored database (chain and exchange being matched)'] : []),
    `contracts  ${db.openContracts} open`,
    `due        next 7 days ${bts(db.due7dSats)}; next 30 days ${bts(db.due30dSats)}`,
    `funds      broker ${live.brokerBalanceSats !== null ? bts(live.brokerBalanceSats) : `${bts(db.lastBalances?.brokerSats ?? null)} (last receipted${db.lastBalances ? ` ${iso(db.lastBalances.at)}` : ''}; node unreachable)`}`,
    `           exchange ${
      db.lastBalances && db.lastBalances.rails.length > 0
        ? `${db.lastBalances.rails.map((b) => `${b.rail} ${bts(b.availableSats)}`).join(', ')} (at start-up, ${iso(db.lastBalances.at)})`
        : 'none receipted'
    }`,
    `cover      ${
      cover === null
        ? 'unknown (no broker balance)'
        : `broker + exchange ${bts(cover + railsTotal)} vs 7 days ${bts(db.due7dSats)}: ${cover + railsTotal >= db.due7dSats ? 'covered' : 'SHORT'}; 30 days ${bts(db.due30dSats)}: ${cover + railsTotal >= db.due30dSats ? 'covered' : 'SHORT'}`
    }`,
    `payments   ${db.pending} pending, ${db.inFlight} in flight, ${db.uncertain} uncertain, ${db.failed} failed; ${
      db.payouts
        .filter((p) => p.state === 'paid')
        .map((p) => `${p.count} paid`)
        .join('') || '0 paid'
    }`,
    ...(db.internalErrors > 0
      ? [
          `incoming   ${db.internalErrors} operation(s) failed to apply (invalid:internal): see 'stakebts audit receipts --event incoming_failed'`,
        ]
      : []),
    ...(db.lastErrors.length === 0
      ? ['errors     none']
      : ['errors', ...db.lastErrors.map((e) => `  ${iso(e.at)} ${e.source}: ${e.text}`)]),
  ];
  return `${lines.join('\n')}\n`;
}
