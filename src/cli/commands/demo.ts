import { Command } from 'commander';
import { formatDemoSummary } from '../../demo/formatDemoSummary.js';
import { runDemo } from '../../demo/runDemo.js';
import { BaseError } from '../../errors/BaseError.js';

type DemoOpts = { months: string; fast?: boolean; dir?: string; json?: boolean; logLevel: string; tickMs?: string };

/**
 * `stakebts demo [--months N] [--fast] [--dir D] [--json]`: the whole system on the simulators with scripted
 * clients on a fast clock (one block = one day), then a summary checked against the simulators' ledgers.
 * @example npm run demo
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('run the whole system on the simulators (scripted clients, a year in about a minute) and print what happened')
    .option('--months <n>', 'simulated months', '12')
    .option('--fast', 'shorter ticks (for tests and the impatient)')
    .option('--tick-ms <ms>', 'real milliseconds per simulated day')
    .option('--dir <dir>', 'working folder (kept): database, keystore, daemon.log, ledgers.json')
    .option('--log-level <level>', 'daemon log level', 'info')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: DemoOpts) => {
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
    });
}
