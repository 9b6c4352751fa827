import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAEMON_NODE_FLAGS } from '../../src/daemon/runtimeFlags.js';
import { useTempDir } from '../helpers/tempDir.js';

// Issue 13 §3: the shipped unit passes `systemd-analyze verify` with no warning at all, where systemd is installed.
const UNIT = readFileSync('deploy/stakebts.service', 'utf8');
const hasSystemd = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;
const tempDir = useTempDir();

describe('deploy/stakebts.service', () => {
  it('holds the hardening an operator expects', () => {
    for (const line of [
      'User=stakebts',
      'LoadCredential=password:/etc/stakebts/password',
      'UMask=0077',
      'LimitCORE=0',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/stakebts',
      'Restart=on-failure',
      'RestartPreventExitStatus=2',
    ]) {
      expect(UNIT.split('\n')).toContain(line);
    }
    expect(UNIT).toMatch(/^ExecStart=.* start --password-file \$\{CREDENTIALS_DIRECTORY\}\/password /m);
  });

  it('runs node with the daemon flags the catch-up was measured with (src/daemon/runtimeFlags.ts)', () => {
    expect(UNIT).toMatch(new RegExp(`^ExecStart=/usr/bin/node ${DAEMON_NODE_FLAGS.join(' ')} /opt/stakebts/bin/stakebts\\.js start `, 'm'));
  });

  it.skipIf(!hasSystemd)('passes systemd-analyze verify without a warning', () => {
    // verify checks that ExecStart's binary exists: point it at this machine's node.
    const file = join(tempDir(), 'stakebts.service');
    writeFileSync(file, UNIT.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
  if (!hasSystemd) it('systemd-analyze verify skipped: systemd-analyze is not installed here', () => {});
});
