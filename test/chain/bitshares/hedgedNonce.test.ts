import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';

// A duplicated random state (a restored VM snapshot, a forked process, a broken RNG): every random source gives
// the same bytes. With k taken straight from the RNG, two signatures would share k, and two signatures with the
// same k and different digests give the private key away: d = (s1·k − e1)/r with k = (e1 − e2)/(s1 − s2).
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, randomBytes: (n: number) => Buffer.alloc(n, 0x42) };
});

const { keyMaterial } = await import('../../../src/chain/bitshares/keys.js');
const { generateKeyPair } = await import('../../../src/chain/bitshares/keys.js');
const { signCompact } = await import('../../../src/chain/bitshares/signCompact.js');

afterEach(() => vi.restoreAllMocks());

describe('nonce under a repeated random state', () => {
  it('different digests still get different k (RFC 6979 binds k to key and digest; the entropy only hedges)', () => {
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation((a) => {
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength).fill(0x42);
      return a;
    });
    const key = keyMaterial(generateKeyPair('snapshot').wif);
    const rs = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const message = Buffer.from(`payment ${i}`);
      const sig = signCompact(message, createHash('sha256').update(message).digest(), key);
      rs.add(sig.subarray(1, 33).toString('hex'));
    }
    expect(rs.size).toBe(20);
  });
});
