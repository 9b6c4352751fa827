import { describe, expect, it } from 'vitest';
import { assessHealth, type HealthInput } from '../../src/status/assessHealth.js';

const NOW = 1_800_000_000_000;
const healthy: HealthInput = { lagBlocks: 3, nodeReachable: true, oldestUncertainAt: null, alarmsSinceStart: [], now: NOW };

describe('assessHealth', () => {
  it.each([
    ['healthy', {}, []],
    ['not asked (--offline)', { nodeReachable: null, lagBlocks: null }, []],
    ['no node', { nodeReachable: false, lagBlocks: null }, ['no node reachable']],
    ['lag at the threshold', { lagBlocks: 100 }, []],
    ['lag above it', { lagBlocks: 101 }, ['listener lags 101 irreversible blocks behind (more than 100)']],
    ['uncertain 59 min', { oldestUncertainAt: NOW - 59 * 60_000 }, []],
    ['uncertain 61 min', { oldestUncertainAt: NOW - 61 * 60_000 }, ['a payment has been uncertain for 61 minutes (more than 60)']],
    ['an alarm', { alarmsSinceStart: [{ kind: 'node_fault', count: 2 }] }, ['alarm node_fault raised (2x since the last start)']],
  ] as Array<[string, Partial<HealthInput>, string[]]>)('%s', (_name, patch, reasons) => {
    expect(assessHealth({ ...healthy, ...patch })).toEqual({ ok: reasons.length === 0, reasons });
  });

  it('takes its thresholds from the caller', () => {
    expect(assessHealth({ ...healthy, lagBlocks: 11 }, { maxLagBlocks: 10 }).ok).toBe(false);
  });
});
