import { z } from 'zod';
import { publicKeyFromWif } from '../chain/bitshares/index.js';
import type { NodeClient } from '../chain/nodeClient/index.js';
import { BaseError } from '../errors/BaseError.js';
import { assertNotOwnerKey } from '../wallet/assertNotOwnerKey.js';
import type { Secret } from '../wallet/Secret.js';

/** Only the owner authority of a raw account object (the node client's account schema drops it). */
const ownerSchema = z.array(
  z
    .object({
      name: z.string(),
      owner: z.object({ key_auths: z.array(z.tuple([z.string(), z.number()])) }),
    })
    .nullable(),
);

/**
 * Refuses to run with a broker key that is one of the account's OWNER keys on chain: an owner key can replace
 * every other key, so it must never sit in a running daemon. Reads the raw account (`get_accounts`) because the
 * node client's account schema keeps only the active authority and memo key.
 * @throws BaseError('OWNER_KEY_REFUSED') for an owner key, BaseError('AUTH_FAILED') when the account is missing
 */
export async function checkOwnerKeys(node: NodeClient, broker: string, wifs: { active: Secret; memo: Secret }): Promise<void> {
  const [account] = await node.rpc.request({
    api: 'database',
    method: 'get_accounts',
    params: [[broker], false],
    parse: (raw) => ownerSchema.parse(raw),
  });
  if (!account) throw new BaseError('AUTH_FAILED', `The broker account "${broker}" does not exist on this chain.`);
  assertNotOwnerKey(publicKeyFromWif(wifs.active.reveal()), account);
  assertNotOwnerKey(publicKeyFromWif(wifs.memo.reveal()), account);
}
