import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DAEMON_NODE_FLAGS } from '../../src/daemon/runtimeFlags.js';
import { assertNoPasswordInArgvOrEnv } from '../../src/wallet/assertNoPasswordInArgvOrEnv.js';

// Issue 13 §3: the shipped Dockerfile is node:20-slim, non-root, keeps the data directory in a volume and reads the
// keystore password from a secret file. Checked statically here, on every machine; .ci/run also builds it where a
// docker daemon answers.
const DOCKERFILE = readFileSync('Dockerfile', 'utf8');
const DOCKERIGNORE = readFileSync('.dockerignore', 'utf8');

type Instruction = { op: string; args: string };

/** The instructions of each build stage (a stage starts at FROM), continuation lines joined, comments dropped. */
function stagesOf(text: string): Instruction[][] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) pending += `${line.slice(0, -1).trim()} `;
    else {
      logical.push(pending + line);
      pending = '';
    }
  }
  const stages: Instruction[][] = [];
  for (const l of logical) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(l) ?? [];
    const instruction = { op: op.toUpperCase(), args };
    if (instruction.op === 'FROM') stages.push([instruction]);
    else stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** The exec (JSON) form of CMD, ENTRYPOINT or VOLUME. */
const execForm = (i: Instruction | undefined): string[] => JSON.parse(i?.args ?? '[]') as string[];

/** `ENV A=1 B=2` (or the old `ENV A 1`) as pairs. */
function envOf(i: Instruction): Array<[string, string]> {
  if (!/^[A-Za-z_]\w*=/.test(i.args)) {
    const [key = '', ...rest] = i.args.split(/\s+/);
    return [[key, rest.join(' ')]];
  }
  return [...i.args.matchAll(/([A-Za-z_]\w*)=("[^"]*"|\S*)/g)].map((m) => [m[1] ?? '', (m[2] ?? '').replace(/^"|"$/g, '')]);
}

const stages = stagesOf(DOCKERFILE);
const final = stages.at(-1) ?? [];
const last = (op: string) => final.filter((i) => i.op === op).at(-1);
const SECRET_NAME = /pass|secret|key|token|wif|mnemonic|credential|seed/i;

describe('Dockerfile', () => {
  it('builds every stage from node:20-slim', () => {
    expect(stages.length).toBeGreaterThan(0);
    for (const stage of stages) expect(stage[0]?.args.split(/\s+/)[0]).toBe('node:20-slim');
  });

  it('runs as a non-root user with a fixed uid, the one its header tells the operator to chown the password to', () => {
    const user = last('USER')?.args ?? '';
    expect(user).not.toBe('');
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const created = final.map((i) => i.args.match(new RegExp(`useradd .*--uid (\\d+) .*\\b${user}\\b`))).find(Boolean);
    expect(created, `a RUN useradd … --uid N … ${user}`).toBeTruthy();
    const uid = Number(created?.[1]);
    expect(uid).toBeGreaterThanOrEqual(1000);
    expect(DOCKERFILE).toContain(`chown ${uid} `);
  });

  it('keeps the data directory in a volume, private to that user', () => {
    const user = last('USER')?.args ?? '';
    const volumes = execForm(last('VOLUME'));
    expect(volumes).toContain('/data');
    const setup = final.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(setup.some((r) => r.includes(`chown ${user}:${user} /data`) && r.includes('chmod 0700 /data'))).toBe(true);
    // Files the daemon creates there (database, backups) are private too.
    expect(execForm(last('ENTRYPOINT')).join(' ')).toMatch(/umask 077 && exec node .*\/app\/bin\/stakebts\.js/);
  });

  it('runs node with the daemon flags the catch-up was measured with (src/daemon/runtimeFlags.ts)', () => {
    expect(execForm(last('ENTRYPOINT')).join(' ')).toContain(`exec node ${DAEMON_NODE_FLAGS.join(' ')} /app/bin/stakebts.js`);
  });

  it('reads the keystore password from a secret file, the path its header mounts the secret at', () => {
    const cmd = execForm(last('CMD'));
    expect(cmd[0]).toBe('start');
    const file = cmd[cmd.indexOf('--password-file') + 1] ?? '';
    expect(cmd).toContain('--password-file');
    expect(file).toMatch(/^\/run\/secrets\/\w+$/);
    expect(DOCKERFILE).toContain(`dst=${file},readonly`);
    // The config the image points at is the file its header mounts read-only.
    const config =
      final
        .filter((i) => i.op === 'ENV')
        .flatMap(envOf)
        .find(([k]) => k === 'STAKEBTS_CONFIG')?.[1] ?? '';
    expect(config).not.toBe('');
    expect(DOCKERFILE).toContain(`:${config}:ro`);
  });

  it('puts no secret in ENV, ARG or the command line, and copies none into the image', () => {
    const env = stages
      .flat()
      .filter((i) => i.op === 'ENV')
      .flatMap(envOf);
    const args = stages
      .flat()
      .filter((i) => i.op === 'ARG')
      .map((i) => i.args.split('=')[0] ?? '');
    expect(env.length).toBeGreaterThan(0);
    for (const [name] of env) expect(name).not.toMatch(SECRET_NAME);
    for (const name of args) expect(name).not.toMatch(SECRET_NAME);
    // What the daemon itself refuses at start: a password in its environment or on its command line.
    expect(() => assertNoPasswordInArgvOrEnv(['node', 'stakebts', ...execForm(last('CMD'))], Object.fromEntries(env))).not.toThrow();
    const copied = stages
      .flat()
      .filter((i) => i.op === 'COPY' || i.op === 'ADD')
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    expect(copied).toContain('src');
    for (const source of copied) expect(source).not.toMatch(/keystore|password|secret|sqlite|sim-keys|\.env|stakebts\.config\.json/i);
  });

  it('builds from a context without modules, build output, databases or secrets, but with everything it copies', () => {
    const ignored = DOCKERIGNORE.split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const entry of ['.git', 'node_modules', 'dist', '**/*.keystore.json', '**/password', '**/sim-keys.json', '**/*.sqlite']) {
      expect(ignored).toContain(entry);
    }
    const copiedFromContext = stages
      .flat()
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(copiedFromContext).toContain('package-lock.json');
    expect(
      ignored.some((p) => p.startsWith('!')),
      'no re-includes to reason about',
    ).toBe(false);
    for (const source of copiedFromContext) expect(ignored, source).not.toContain(source);
  });
});
