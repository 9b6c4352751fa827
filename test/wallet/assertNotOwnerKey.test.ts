import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { generateKeyPair, publicKeyFromWif } from '../../src/chain/bitshares/keys.js';
import { isError } from '../../src/errors/BaseError.js';
import { assertNotOwnerKey } from '../../src/wallet/assertNotOwnerKey.js';

type KeyVector = { id: string; private_key_wif?: string; public_key: string };
const vectors: KeyVector[] = JSON.parse(readFileSync(new URL('../fixtures/vectors/keys.json', import.meta.url), 'utf8')).vectors;
const graphene = vectors.find((v) => v.id === 'graphene-test-key');
if (!graphene?.private_key_wif) throw new Error('keys.json lacks graphene-test-key');

describe('assertNotOwnerKey', () => {
  const owner = generateKeyPair('owner-key-test-seed');
  const active = generateKeyPair('active-key-test-seed');
  const account = {
    name: 'stake-broker',
    owner: {
      key_auths: [
        [generateKeyPair('other-owner').pub, 1],
        [owner.pub, 1],
      ] as [string, number][],
    },
  };

  test('throws OWNER_KEY_REFUSED when the key is among the owner key_auths', () => {
    let err: unknown;
    try {
      assertNotOwnerKey(owner.pub, account);
    } catch (e) {
      err = e;
    }
    expect(isError(err, 'OWNER_KEY_REFUSED')).toBe(true);
    expect((err as Error).message).toContain('stake-broker');
    expect((err as Error).message).not.toContain(owner.wif);
  });

  test('accepts a key that is not an owner key', () => {
    expect(() => assertNotOwnerKey(active.pub, account)).not.toThrow();
    expect(() => assertNotOwnerKey(active.pub, { owner: { key_auths: [] } })).not.toThrow();
  });

  test('matches across address prefixes (upstream vector: GPH form on chain, BTS form derived)', () => {
    const derived = publicKeyFromWif(graphene.private_key_wif as string);
    expect(derived).toBe(`BTS${graphene.public_key.slice(3)}`);
    expect(() => assertNotOwnerKey(derived, { owner: { key_auths: [[graphene.public_key, 1]] } })).toThrow(/owner key/);
  });
});
