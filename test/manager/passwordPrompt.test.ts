import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { wait } from '../../src/utils/promise/index.js';
import { useTempDir } from '../helpers/tempDir.js';
import { BIN, type Desk, PASSWORD, startDesk } from './fixture.js';

const tmux = (() => {
  try {
    return execFileSync('which', ['tmux'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
})();
if (!tmux) console.warn('tmux is not installed: the real-terminal password prompt tests are skipped (apt-get install tmux)');

const tempDir = useTempDir();
let desk: Desk | undefined;
const sessions: string[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) {
    try {
      execFileSync('tmux', ['kill-session', '-t', s], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
  await desk?.close();
  desk = undefined;
});

const capture = (s: string) => execFileSync('tmux', ['capture-pane', '-p', '-S', '-200', '-t', s], { encoding: 'utf8' });
async function waitFor(s: string, re: RegExp, ms = 30_000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const text = capture(s);
    if (re.test(text)) return text;
    if (Date.now() > until) throw new Error(`timed out waiting for ${re} in:\n${text}`);
    await wait(100);
  }
}

/** `stakebts start` in a real terminal (tmux), the password typed as a person would. */
async function startInTerminal(typed: string): Promise<{ session: string; screen: () => string }> {
  desk = await startDesk(tempDir());
  const session = `stakebts-${process.pid}-${sessions.length}-${Date.now()}`;
  sessions.push(session);
  // `; echo EXIT=$?` shows the exit status on screen once the command ends; the shell stays so it can be read.
  execFileSync('tmux', [
    'new-session',
    '-d',
    '-x',
    '200',
    '-y',
    '50',
    '-s',
    session,
    '-c',
    desk.dir,
    `env -u STAKEBTS_PASSWORD ${process.execPath} ${BIN} start; echo EXIT=$?; sleep 600`,
  ]);
  await waitFor(session, /Keystore password/);
  execFileSync('tmux', ['send-keys', '-t', session, '-l', typed]);
  // The prompt echoes one '*' per character typed (wait for the redraw).
  const masked = await waitFor(session, new RegExp(`Keystore password.*\\*{${typed.length}}`));
  execFileSync('tmux', ['send-keys', '-t', session, 'Enter']);
  return { session, screen: () => masked };
}

describe.skipIf(!tmux)('password prompt in a real terminal', () => {
  it('the right password, typed: masked on screen, the daemon starts, Ctrl+C stops it cleanly', async () => {
    const { session, screen } = await startInTerminal(PASSWORD);
    expect(screen()).not.toContain(PASSWORD);
    expect(screen()).toMatch(/Keystore password.*\*{5,}/);
    await waitFor(session, /stakebts started/);
    execFileSync('tmux', ['send-keys', '-t', session, 'C-c']);
    const end = await waitFor(session, /EXIT=\d+/);
    expect(end).toMatch(/stakebts stopped/);
    expect(end).toMatch(/EXIT=0/);
    expect(end).not.toContain(PASSWORD);
    expect(existsSync(join(desk?.dir ?? '', 'stakebts.sqlite'))).toBe(true);
  });

  it('a wrong password, typed: one sentence, non-zero exit, nothing written', async () => {
    const { session } = await startInTerminal('not-the-password');
    const end = await waitFor(session, /EXIT=\d+/);
    expect(end).toMatch(/stakebts: Wrong keystore password\./);
    expect(end).toMatch(/EXIT=1/);
    expect(end).not.toContain('not-the-password');
    expect(existsSync(join(desk?.dir ?? '', 'stakebts.sqlite'))).toBe(false);
  });
});
