import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { secretsFromPayload } from '../../src/admin/unlockSecrets.js';
import { generateKeyPair } from '../../src/chain/bitshares/index.js';
import { parseConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { Secret } from '../../src/wallet/Secret.js';
import { useTempDir } from '../helpers/tempDir.js';
import { plantedPayload } from '../wallet/helpers.js';

const tempDir = useTempDir();

describe('secrets through the real logger (src/log.ts createLogger, file destination)', () => {
  it('objects holding secrets at any depth, in bindings, messages and errors come out with none of them', () => {
    const planted = plantedPayload(2);
    const secrets = secretsFromPayload(planted.payload, parseConfig({ broker: 'stake-broker' }));
    const [activeWif = '', memoWif = '', key1 = '', secret1 = '', key2 = '', secret2 = ''] = planted.secrets;
    const strayWif = generateKeyPair().wif; // a key nobody wrapped, pasted into a message
    const file = join(tempDir(), 'daemon.log');
    const log = createLogger({ dest: file, pretty: false, level: 'debug' });

    // 1. The daemon's own secrets object, as code might log it by mistake.
    log.info({ secrets, payoutId: 7 }, 'secrets at the top');
    log.info({ ctx: { secrets } }, 'secrets one level down');
    log.warn({ job: { attempt: { rail: { secrets } } } }, 'secrets three levels down');
    log.info({ list: [{ secrets }, secrets.exchangeKeys] }, 'secrets in arrays');
    // 2. Plain strings under the field names the code uses, at every depth.
    log.info(
      { brokerActiveWif: activeWif, a: { brokerMemoWif: memoWif, b: { activeWif, c: { memoWif, d: { e: { apiSecret: secret1 } } } } } },
      'names',
    );
    log.info({ bittrex: [{ index: 2, apiKey: key2, apiSecret: secret2 }], headers: { 'Api-Key': key1 } }, 'bittrex credentials');
    // 3. Bindings of a child logger.
    log.child({ mod: 'payout', secrets, creds: { apiKey: key1 } }).info('child with secret bindings');
    // 4. Values inside free text: a message, an error message, an error's request config (as HTTP clients attach it).
    log.info(`revealed by mistake: ${secrets.brokerActiveWif.reveal()} and ${secrets.exchangeKeys[0]?.apiSecret.reveal()}`);
    const err = Object.assign(new Error(`request failed, key ${key1}, secret ${secret1}`), {
      config: { headers: { 'Api-Key': key1, Authorization: `Bearer ${secret2}` } },
    });
    log.error({ err }, 'exchange call failed');
    log.info(`a client pasted ${strayWif} into a memo`);
    // A secret with characters JSON escapes is found in its escaped form too.
    const odd = new Secret('quote"and\\backslash-secret-42');
    log.info(`odd secret ${odd.reveal()}`);

    const text = readFileSync(file, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(11);
    // What is not secret survived: the lines are there, with their facts.
    expect(lines[0]).toContain('"payoutId":7');
    expect(text).toContain('"index":2');
    expect(text).toContain('"mod":"payout"');
    expect(text).toContain('[REDACTED]');
    for (const s of [...planted.secrets, strayWif, 'backslash-secret-42']) expect(text).not.toContain(s);
    // The secrets object itself prints as nothing secret either.
    for (const rendering of [inspect(secrets, { depth: 10 }), JSON.stringify(secrets), String(secrets.brokerMemoWif)]) {
      for (const s of [activeWif, memoWif, key1, secret1, key2, secret2]) expect(rendering).not.toContain(s);
    }
  });
});
