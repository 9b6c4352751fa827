import { formatDemoSummary } from '../../demo/formatDemoSummary.js';
import { runDemo } from '../../demo/runDemo.js';
import { BaseError } from '../../errors/BaseError.js';

type DemoOpts = { months: string; fast?: boolean; dir?: string; json?: boolean; logLevel: string; tickMs?: string };

/** The `demo` command's action (loaded only when it runs; see ../lazyAction.ts). */
export async function demoAction(opts: DemoOpts): Promise<void> {
  const months = Number(opts.months);
  const tick = opts.tickMs === undefined ? undefined : Number(opts.tickMs);
  if (tick !== undefined && (!Number.isInteger(tick) || tick < 1))
    throw new BaseError('USAGE', '--tick-ms must be a positive whole number.');
  const result = await runDemo({
    months,
    fast: opts.fast === true,
    logLevel: opts.logLevel,
    ...(tick === undefined ? {} : { blockIntervalMs: tick }),
    ...(opts.dir === undefined ? {} : { dir: opts.dir }),
    onLine: opts.json ? () => {} : (line) => process.stderr.write(`${line}\n`),
  });
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ dir: result.dir, months: result.months, seconds: result.seconds, ...result.summary }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(formatDemoSummary(result.summary, result));
  }
  if (!result.summary.receipts.verified || !result.summary.ledgerCheck.ok) {
    throw new BaseError('USAGE', 'The demo finished but its checks failed (see the summary above).');
  }
}
