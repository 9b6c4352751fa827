import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { isError } from '../../src/errors/BaseError.js';
import { importLegacyContracts } from '../../src/import/importLegacyContracts.js';
import { loadStakesFile } from '../../src/import/loadStakesFile.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
const terms = parseConfig({}).terms;
const BIN = resolve('bin/stakebts.js');
const D = Date.UTC(2021, 9, 1);
const LINES = [`alice-legacy  ${D}  25000  3  3`, `bob.staker\t${D + 1}\t200000\t12\t5`];

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, STAKEBTS_CONFIG: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Imports what loadStakesFile read into a fresh database; returns (user, file line) per contract. */
function importFile(file: string) {
  const { text, firstLine } = loadStakesFile(file);
  const db = openDatabase(join(tempDir(), 'db.sqlite'));
  try {
    return importLegacyContracts(db, text, terms, { firstLine }).imported.map((c) => [c.user, c.line]);
  } finally {
    db.close();
  }
}

describe('legacy import reads the STAKES text and never runs the file', () => {
  it("the project's preexisting_contracts.ts (template literal): lines numbered as in the file", () => {
    const shipped = readFileSync('preexisting_contracts.ts', 'utf8').split('\n');
    const got = importFile('preexisting_contracts.ts');
    expect(got.length).toBe(3);
    for (const [user, line] of got) expect(shipped[(line as number) - 1]).toContain(user as string);
  });

  it('the original bot\'s preexisting_contracts.py (STAKES = """ … """), code around it included', () => {
    const dir = tempDir();
    const file = join(dir, 'preexisting_contracts.py');
    writeFileSync(
      file,
      ['# stakeBTS legacy agreements', 'import os', `STAKES = """`, ...LINES, '"""', 'print(len(STAKES))', ''].join('\n'),
    );
    expect(importFile(file)).toEqual([
      ['alice-legacy', 4],
      ['bob.staker', 5],
    ]);
    // r''' and ''' quotes, too.
    writeFileSync(file, [`STAKES = r'''${LINES[0]}`, `'''`].join('\n'));
    expect(importFile(file)).toEqual([['alice-legacy', 1]]);
  });

  it('a plain .txt file of lines', () => {
    const file = join(tempDir(), 'stakes.txt');
    writeFileSync(file, ['# one contract per line', '', ...LINES].join('\n'));
    expect(importFile(file)).toEqual([
      ['alice-legacy', 3],
      ['bob.staker', 4],
    ]);
  });

  it('code in the file is not run: a side effect at module level or in an interpolation never happens', () => {
    const dir = tempDir();
    const marker = join(dir, 'PWNED');
    const ts = join(dir, 'legacy.ts');
    writeFileSync(
      ts,
      [
        "import { writeFileSync } from 'node:fs';",
        `writeFileSync(${JSON.stringify(marker)}, 'module code ran');`,
        'export const STAKES = `',
        ...LINES,
        '`;',
      ].join('\n'),
    );
    expect(importFile(ts)).toEqual([
      ['alice-legacy', 4],
      ['bob.staker', 5],
    ]);
    const py = join(dir, 'legacy.py');
    writeFileSync(
      py,
      ['import pathlib', `pathlib.Path(${JSON.stringify(marker)}).write_text("ran")`, 'STAKES = """', LINES[0], '"""'].join('\n'),
    );
    expect(importFile(py)).toEqual([['alice-legacy', 4]]);
    // An interpolation would need evaluation: refused, with its line, and not run either.
    writeFileSync(
      ts,
      ['export const STAKES = `', LINES[0], `\${(await import('node:fs')).writeFileSync(${JSON.stringify(marker)}, 'ran')}`, '`;'].join(
        '\n',
      ),
    );
    expect(() => loadStakesFile(ts)).toThrow(
      `${ts} line 3: STAKES contains a $-brace interpolation (code); write the lines as plain text.`,
    );
    // Through the real CLI as well.
    mkdirSync(join(dir, 'db'));
    writeFileSync(
      ts,
      [
        "import { writeFileSync } from 'node:fs';",
        `writeFileSync(${JSON.stringify(marker)}, 'x');`,
        'export const STAKES = `',
        LINES[0],
        '`;',
      ].join('\n'),
    );
    // No node here: the on-chain account check is skipped (test/manager/importAccounts.test.ts covers it).
    const r = cli(['import', '--file', ts, '--no-account-check'], dir);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/imported 1 contract\(s\)/);
    expect(existsSync(marker)).toBe(false);
  });

  it('a parse error names the file and line; every bad data line is shown in full, by file line number', () => {
    const dir = tempDir();
    const file = join(dir, 'legacy.ts');
    const refused = (text: string) => {
      writeFileSync(file, text);
      try {
        loadStakesFile(file);
      } catch (err) {
        expect(isError(err, 'IMPORT_INVALID')).toBe(true);
        return (err as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refused('// nothing here\n')).toBe(
      `${file}: no STAKES template literal (export const STAKES = \`...\`) found (the import reads the STAKES text and runs nothing).`,
    );
    expect(refused(`\n\nexport const STAKES = \`\n${LINES[0]}\n`)).toBe(
      `${file} line 3: the STAKES template literal is never closed (no closing backtick).`,
    );
    expect(refused('export const STAKES = `a`;\nexport let STAKES = `b`;\n')).toBe(
      `${file} line 2: STAKES is defined a second time (first at line 1).`,
    );
    writeFileSync(join(dir, 'x.py'), 'STAKES = """\nalice\\tx\n"""\n');
    expect(() => loadStakesFile(join(dir, 'x.py'))).toThrow(`${join(dir, 'x.py')} line 2: STAKES contains a backslash escape`);

    mkdirSync(join(dir, 'db'));
    writeFileSync(file, ['/** legacy */', 'export const STAKES = `', LINES[0], 'bad line', `carol ${D} 99 3 0`, '`;'].join('\n'));
    const r = cli(['import', '--file', file], dir);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual([
      'stakebts: The legacy contracts have 2 bad line(s); nothing was imported.',
      '  line 4: expected 5 fields (username start_ms amount months months_paid), found 2  [bad line]',
      `  line 5: amount "99" is not an allowed stake amount  [carol ${D} 99 3 0]`,
    ]);
  });
});
