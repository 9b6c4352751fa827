import { BaseError } from '../errors/BaseError.js';

export type StakesFormat = 'typescript' | 'python' | 'text';

export type ExtractedStakes = {
  /** The STAKES lines, exactly as written between the quotes (or the whole text file). */
  text: string;
  /** File line number of the first line of `text`, so errors name the line an editor shows. */
  firstLine: number;
  format: StakesFormat;
};

const TS_EXTENSIONS = /\.(?:[cm]?ts|[cm]?js)$/i;
/** `export const STAKES = \``, `const STAKES: string = \``, `export let STAKES = \``. */
const TS_OPENING = /(?:^|[\s;])(?:export\s+)?(?:const|let|var)\s+STAKES\s*(?::\s*string\s*)?=\s*`/g;
/** `STAKES = """`, `STAKES = r'''`, `STAKES: str = """`, at the start of a line as a module-level assignment. */
const PY_OPENING = /^STAKES\s*(?::\s*str\s*)?=\s*([rR]?)("""|''')/gm;

/**
 * Reads the legacy STAKES lines out of a file's text WITHOUT running it: the project's `preexisting_contracts.ts`
 * (a template literal `export const STAKES = \`…\``), the original bot's `preexisting_contracts.py`
 * (`STAKES = """ … """`), or a plain text file of lines. Everything outside the STAKES literal (imports, code,
 * side effects) is ignored, never evaluated. Anything a literal could only mean by evaluation (`${…}`
 * interpolation, an unknown escape) is refused.
 * @param source - the file's text
 * @param fileName - its name or path, for messages; the extension picks the format (.ts/.js, .py, else plain text)
 * @throws BaseError('IMPORT_INVALID') naming the file and line: no STAKES, two of them, an unclosed literal, code inside
 * @example extractStakes(readFileSync('preexisting_contracts.ts', 'utf8'), 'preexisting_contracts.ts')
 */
export function extractStakes(source: string, fileName: string): ExtractedStakes {
  const text = source.replace(/^\uFEFF/, '');
  if (TS_EXTENSIONS.test(fileName)) return fromTypescript(text, fileName);
  if (/\.py$/i.test(fileName)) return fromPython(text, fileName);
  return { text, firstLine: 1, format: 'text' };
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;
/** Where a match really starts: the opening pattern may begin with the whitespace before the keyword. */
const startOf = (m: RegExpMatchArray) => (m.index ?? 0) + (m[0].length - m[0].trimStart().length);

function fail(fileName: string, line: number | null, reason: string): never {
  throw new BaseError('IMPORT_INVALID', `${fileName}${line === null ? '' : ` line ${line}`}: ${reason}`);
}

/** The one opening of the STAKES literal; refuses none and several. */
function single(matches: RegExpMatchArray[], text: string, fileName: string, what: string): RegExpMatchArray {
  const [first, second] = matches;
  if (!first) fail(fileName, null, `no ${what} found (the import reads the STAKES text and runs nothing).`);
  if (second)
    fail(fileName, lineAt(text, startOf(second)), `STAKES is defined a second time (first at line ${lineAt(text, startOf(first))}).`);
  return first;
}

function fromTypescript(text: string, fileName: string): ExtractedStakes {
  const m = single([...text.matchAll(TS_OPENING)], text, fileName, 'STAKES template literal (export const STAKES = `...`)');
  const start = (m.index ?? 0) + m[0].length;
  let out = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '`') return { text: out, firstLine: lineAt(text, start), format: 'typescript' };
    if (c === '$' && text[i + 1] === '{')
      fail(fileName, lineAt(text, i), 'STAKES contains a $-brace interpolation (code); write the lines as plain text.');
    if (c === '\\') {
      const next = text[i + 1];
      const escaped = next === '`' || next === '\\' || next === '$' ? next : next === 'n' ? '\n' : next === 't' ? '\t' : undefined;
      if (escaped === undefined)
        fail(fileName, lineAt(text, i), `STAKES contains the escape \\${next ?? ''}, which a data line never needs.`);
      out += escaped;
      i++;
      continue;
    }
    out += c;
  }
  return fail(fileName, lineAt(text, start), 'the STAKES template literal is never closed (no closing backtick).');
}

function fromPython(text: string, fileName: string): ExtractedStakes {
  const m = single([...text.matchAll(PY_OPENING)], text, fileName, 'STAKES string (STAKES = """...""")');
  const raw = m[1] !== '';
  const quote = m[2] as string;
  const start = (m.index ?? 0) + m[0].length;
  const end = text.indexOf(quote, start);
  if (end < 0) fail(fileName, lineAt(text, start), `the STAKES string is never closed (no closing ${quote}).`);
  const body = text.slice(start, end);
  const backslash = body.indexOf('\\');
  if (!raw && backslash >= 0) {
    fail(fileName, lineAt(text, start + backslash), 'STAKES contains a backslash escape, which a data line never needs.');
  }
  return { text: body, firstLine: lineAt(text, start), format: 'python' };
}
