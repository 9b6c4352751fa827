import { btsText } from '../formatAmount.js';
import type { Entitlement } from './computeEntitlements.js';
import type { ReplayResult } from './runReplay.js';

const iso = (ms: number) => new Date(ms).toISOString();
const what = (e: Entitlement) => `${e.kind.replace('_', ' ')}${e.number ? ` #${e.number}` : ''}`;

/** `audit replay` for people: one line of totals, then per client what is missing, extra or wrong. */
export function renderReplay(r: ReplayResult, notes: readonly string[] = []): string {
  const source =
    r.source === 'processed_ops'
      ? 'processed_ops, each checked against its block'
      : r.source === 'history'
        ? "the broker's account history"
        : 'a block scan';
  const read = Object.entries(r.paymentsRead)
    .map(([rail, n]) => `${n} on ${rail}`)
    .join(', ');
  const lines = [
    `replay: ${r.incoming} transfer(s) to the broker (${source}); due by ${iso(r.until)}: ${r.owed} payment(s) owed, ${r.matched} received; payments read: ${read}`,
  ];
  for (const n of notes) lines.push(`note: ${n}`);
  if (r.notEntitlements > 0) lines.push(`left out: ${r.notEntitlements} support notice(s) / treasury move(s)`);
  for (const f of r.inFlight) lines.push(`in flight: ${f.client}: ${what(f.owed)} ${btsText(f.owed.amountSats)} due ${iso(f.owed.due)}`);
  for (const i of r.incomingIssues) lines.push(`incoming [${i.kind}] ${i.ref}: ${i.message}`);
  const unclassified = r.incomingIssues.filter((i) => i.kind === 'unclassified').length;
  if (unclassified > 0)
    lines.push(
      `${unclassified} transfer(s) could not be classified: their memos need the broker's memo key; run again with the keystore (--keystore, --password-file)`,
    );
  if (r.differences.length === 0 && r.incomingIssues.length === 0)
    lines.push('no differences: every client received what RULES.md says is owed');
  else if (r.differences.length > 0) {
    lines.push(`${r.differences.length} client(s) with differences:`);
    for (const d of r.differences) {
      lines.push(`  ${d.client}`);
      for (const e of d.missing) lines.push(`    missing  ${what(e)} ${btsText(e.amountSats)} due ${iso(e.due)} (transfer ${e.source})`);
      for (const w of d.wrong)
        lines.push(
          `    wrong    ${what(w.owed)}: owed ${btsText(w.owed.amountSats)}, received ${btsText(w.received.amountSats)} (${w.received.rail} ${w.received.ref})`,
        );
      for (const x of d.extra)
        lines.push(`    extra    ${btsText(x.amountSats)} (${x.rail} ${x.ref}${x.purpose ? `, paid as ${x.purpose}` : ''})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The result as JSON (bigints as decimal strings). */
export function replayJson(r: ReplayResult, notes: readonly string[] = []): string {
  return `${JSON.stringify({ ...r, notes }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`;
}
