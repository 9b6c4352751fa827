import { samePublicKey } from '../chain/bitshares/keys.js';
import { BaseError } from '../errors/BaseError.js';

/** The part of an on-chain account object this check needs. */
export type AccountOwnerAuthority = { name?: string; owner: { key_auths: ReadonlyArray<readonly [string, number]> } };

/**
 * Refuses a key that is one of the account's OWNER keys: the owner key can change every other key,
 * so it must stay offline and never enter the keystore. Start-up calls this with the on-chain account
 * for the active and memo keys. Comparison is by curve point, so a GPH/BTS prefix difference does not hide a match.
 * @param pub - public key derived from the key about to be used
 * @throws BaseError('OWNER_KEY_REFUSED')
 */
export function assertNotOwnerKey(pub: string, account: AccountOwnerAuthority): void {
  const hit = account.owner.key_auths.some(([ownerPub]) => ownerPub === pub || samePublicKey(ownerPub, pub));
  if (hit) {
    throw new BaseError(
      'OWNER_KEY_REFUSED',
      `The key ${pub} is an owner key of account ${account.name ?? '(unnamed)'}; stakebts only accepts the active and memo keys. Keep the owner key offline.`,
    );
  }
}
