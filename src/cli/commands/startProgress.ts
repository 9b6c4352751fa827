import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import type { ScanProgress } from '../../listener/BlockScanner.js';

export type ProgressReporter = { onProgress(p: ScanProgress): void; stop(): void };

/**
 * Catch-up progress: a bar on stderr when stderr is a terminal, otherwise one log line every `everyMs`
 * (service managers and log files get figures, not carriage returns).
 * @param everyMs - interval of the log lines @default 5_000
 */
export function createProgressReporter(logger: Logger, { tty = process.stderr.isTTY === true, everyMs = 5_000 } = {}): ProgressReporter {
  let bar: cliProgress.SingleBar | null = null;
  let lastLog = 0;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  return {
    onProgress(p) {
      const total = Math.max(1, p.to - p.from + 1);
      // Small rounds (one or two new blocks while following the head) are not "catching up".
      if (total < 50) {
        stop();
        return;
      }
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: 'catching up ({mode}) |{bar}| {value}/{total} blocks ({current}) {bps} blocks/s eta {eta_formatted} window {window}',
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, 0, { current: p.current, bps: 0, mode: p.mode, window: p.window });
        }
        bar.setTotal(total);
        bar.update(p.done, { current: p.current, bps: Math.round(p.blocksPerSec), mode: p.mode, window: p.window });
        if (p.current >= p.to) stop();
        return;
      }
      const now = Date.now();
      if (now - lastLog >= everyMs || p.current >= p.to) {
        lastLog = now;
        logger.info(
          {
            from: p.from,
            to: p.to,
            current: p.current,
            blocksPerSec: Math.round(p.blocksPerSec),
            mode: p.mode,
            etaSec: Math.round(p.etaMs / 1000),
            window: p.window,
          },
          'catching up',
        );
      }
    },
    stop,
  };
}
