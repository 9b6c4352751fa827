import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALARM_KINDS } from '../../src/db/alarms.js';

/**
 * docs/mainnet.md explains every alarm the code can raise (what happened, what the desk does, what the operator does).
 * The kinds come from the code: the one list ALARM_KINDS, and, so that list cannot be bypassed, every call that raises
 * an alarm in src/ and every receipt written with `event: 'alarm'`.
 */

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

const sources = sourceFiles('src').map((path) => ({ path: relative('.', path), text: readFileSync(path, 'utf8') }));
const runbook = readFileSync('docs/mainnet.md', 'utf8');
const alarmSection = runbook.slice(runbook.indexOf('## 7. Alarms'));
/** The kinds in the first column of the runbook's alarm table. */
const documented = [...alarmSection.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);

describe('docs/mainnet.md names every alarm kind the code can raise', () => {
  it('every kind raised in src/ is in ALARM_KINDS, and only src/db/alarms.ts writes an alarm receipt', () => {
    const raised = new Set<string>();
    for (const { path, text } of sources) {
      for (const m of text.matchAll(/appendAlarm\(\s*[^,]+,\s*[^,]+,\s*'([a-z_]+)'/g)) raised.add(m[1] ?? '');
      // A kind passed through a variable could not be read here: every call names its kind as a literal.
      for (const m of text.matchAll(/appendAlarm\(([^)]*)/g)) {
        if (path !== join('src', 'db', 'alarms.ts'))
          expect(m[1], `${path}: appendAlarm(${m[1]}`).toMatch(/^\s*[^,]+,\s*[^,]+,\s*'[a-z_]+'/);
      }
      if (path !== join('src', 'db', 'alarms.ts')) {
        expect(/event:\s*'alarm'/.test(text), `${path} writes an alarm receipt without appendAlarm`).toBe(false);
      }
    }
    expect(raised.size).toBeGreaterThan(0);
    for (const kind of raised) expect(ALARM_KINDS, kind).toContain(kind);
    // And every listed kind is raised somewhere (a kind nobody raises is a stale entry).
    for (const kind of ALARM_KINDS) expect([...raised], kind).toContain(kind);
  });

  it('the runbook table has one row per kind, with a meaning, what the desk does and what to do', () => {
    expect(documented.length).toBeGreaterThan(0);
    for (const kind of ALARM_KINDS) expect(documented, `docs/mainnet.md, section 7, a row for ${kind}`).toContain(kind);
    for (const kind of documented)
      expect(ALARM_KINDS as readonly string[], `docs/mainnet.md lists ${kind}, which no code raises`).toContain(kind);
    expect(new Set(documented).size).toBe(documented.length);
    for (const kind of ALARM_KINDS) {
      const row = alarmSection.split('\n').find((l) => l.startsWith(`| \`${kind}\` |`)) ?? '';
      const cells = row
        .split('|')
        .slice(2, -1)
        .map((c) => c.trim());
      expect(cells.length, row).toBe(3);
      for (const c of cells) expect(c.length, `${kind}: every cell says something`).toBeGreaterThan(10);
    }
  });
});
