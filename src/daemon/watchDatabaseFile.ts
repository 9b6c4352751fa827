import { statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { lastReceipt } from '../db/receipts.js';
import { writeGenerationMark } from './generationMark.js';

export type DatabaseFileWatch = { stop(): void };

/**
 * Watches, while the daemon runs, that the path still names the file it opened: a database deleted (or replaced, or
 * given a second name by a hard link) under a running daemon would otherwise go unnoticed until the next start, which
 * would then begin on an empty file and pay everything again. Also keeps the generation mark beside the database up
 * to date (see generationMark.ts), so a later start can tell an ordinary restart from a restored copy.
 * @param onLost - called once, with one sentence, when the path no longer names the open file
 */
export function watchDatabaseFile(p: {
  db: Database;
  realPath: string;
  intervalMs?: number;
  onLost: (sentence: string) => void;
}): DatabaseFileWatch {
  const { db, realPath, intervalMs = 2_000 } = p;
  const opened = statSync(realPath);
  let lastMarked = -1;
  let lost = false;
  const tick = () => {
    if (lost) return;
    let problem: string | null = null;
    try {
      const now = statSync(realPath);
      if (now.ino !== opened.ino || now.dev !== opened.dev)
        problem = `${realPath} is no longer the database file this daemon opened (it was replaced)`;
      else if (now.nlink > 1) problem = `${realPath} has ${now.nlink} hard links now, so another daemon could open it under another name`;
    } catch {
      problem = `${realPath} was removed while the daemon ran`;
    }
    if (problem) {
      lost = true;
      p.onLost(
        `${problem}; stopped so that nothing is paid from a database that is not the one on disk. Restore it (docs/operating.md) and start again.`,
      );
      return;
    }
    try {
      const last = lastReceipt(db)?.id ?? 0;
      if (last !== lastMarked) {
        writeGenerationMark(realPath, db);
        lastMarked = last;
      }
    } catch {
      // A busy database or a full disk: the mark is written on the next tick.
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (!lost) {
        try {
          writeGenerationMark(realPath, db);
        } catch {
          // best effort at shutdown
        }
      }
    },
  };
}
