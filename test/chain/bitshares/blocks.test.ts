import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildSignedTransfer,
  decryptMemo,
  generateKeyPair,
  isValidPublicKey,
  recoverSigners,
  transactionId,
} from '../../../src/chain/bitshares/index.js';
import { loadVector, MAINNET_CHAIN_ID, VECTORS_DIR, vectorText } from './vectors.js';

type Memo = { from: string; to: string; nonce: string | number; message: string };

/** Every memo-shaped object in a parsed reply, websocket frames included. */
function collectMemos(node: unknown, out: Memo[] = []): Memo[] {
  if (typeof node === 'string' && node.startsWith('{')) {
    try {
      collectMemos(JSON.parse(node), out);
    } catch {
      // not a JSON frame
    }
  } else if (Array.isArray(node)) {
    for (const x of node) collectMemos(x, out);
  } else if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (o.memo && typeof o.memo === 'object' && 'message' in (o.memo as object)) out.push(o.memo as Memo);
    for (const v of Object.values(o)) collectMemos(v, out);
  }
  return out;
}

const blockFiles = readdirSync(`${VECTORS_DIR}blocks`).filter((f) => f.endsWith('.json'));
const stranger = generateKeyPair('block-scanner-stranger');

describe('blocks/ vectors: memos', () => {
  const withMemos = blockFiles.filter((f) => collectMemos(loadVector(`blocks/${f}`)).length > 0);

  it('the memo-bearing files are found', () => {
    expect(withMemos).toEqual(
      expect.arrayContaining(['get_account_history-1.2.114406.json', 'ws-session-get_objects-1.11.8799012.json', 'doc-examples.json']),
    );
  });

  for (const f of withMemos) {
    it(`${f}: memo keys parse, string nonces stay exact, a foreign key gets a clean refusal`, () => {
      const text = vectorText(`blocks/${f}`);
      for (const memo of collectMemos(loadVector(`blocks/${f}`))) {
        expect(isValidPublicKey(memo.from)).toBe(true);
        expect(isValidPublicKey(memo.to)).toBe(true);
        if (typeof memo.nonce === 'string') {
          expect(memo.nonce).toMatch(/^[0-9]+$/);
          expect(BigInt(memo.nonce).toString()).toBe(memo.nonce);
        }
        expect(decryptMemo(memo, stranger.wif)).toEqual({ ok: false, reason: 'not_for_us' });
        // Reading our own outgoing memo is tried only when `from` is ours; forging that gives no text.
        const forged = decryptMemo({ ...memo, from: stranger.pub }, stranger.wif);
        expect(forged.ok).toBe(false);
        expect(text).toContain(String(memo.message));
      }
    });
  }

  it('account history: nonces above 2^53 arrive as strings and are kept as such', () => {
    const memos = collectMemos(loadVector('blocks/get_account_history-1.2.114406.json'));
    const big = memos.filter((m) => typeof m.nonce === 'string' && BigInt(m.nonce) > BigInt(Number.MAX_SAFE_INTEGER));
    expect(big.length).toBeGreaterThan(0);
  });

  it('doc example with an unquoted nonce > 2^53: JSON.parse rounds it; decryptMemo still never throws', () => {
    const raw = /"nonce":\s*(\d+)/.exec(vectorText('blocks/doc-examples.json'))?.[1] as string;
    expect(raw).toBe('3324169168288624499');
    const memo = collectMemos(loadVector('blocks/doc-examples.json')).find((m) => typeof m.nonce === 'number') as Memo;
    expect(String(BigInt(memo.nonce))).not.toBe(raw);
    for (const nonce of [memo.nonce, raw]) {
      expect(decryptMemo({ ...memo, nonce }, stranger.wif)).toEqual({ ok: false, reason: 'not_for_us' });
    }
  });
});

describe('blocks/ vectors: transactions and head blocks', () => {
  it('get_block 1 parses (no transactions); doc block transaction gets an id and one recoverable signer', () => {
    const block = loadVector<{ result: { transactions: unknown[] } }>('blocks/get_block-1.json').result;
    expect(block.transactions.map((tx) => transactionId(tx))).toEqual([]);
    const ex = loadVector<{ examples: { id: string; object: unknown }[] }>('blocks/doc-examples.json').examples;
    const tx = ex.find((e) => e.id === 'exchange-integration-get_block-transaction')?.object;
    expect(transactionId(tx)).toMatch(/^[0-9a-f]{40}$/);
    expect(recoverSigners(tx, MAINNET_CHAIN_ID)).toHaveLength(1);
  });

  it('get_account_history: the op-type-1 entry and the transfers never make the adapter throw', () => {
    const hist = loadVector<{ op: [number, unknown] }[]>('blocks/get_account_history-1.2.114406.json');
    for (const h of hist) {
      const tx = { ref_block_num: 1, ref_block_prefix: 1, expiration: '2019-01-01T00:00:00', operations: [h.op], extensions: [] };
      const id = transactionId(tx);
      expect(id === null || /^[0-9a-f]{40}$/.test(id)).toBe(true);
    }
  });

  const dgp = loadVector<{ samples: { object: Record<string, unknown> }[] }>('blocks/get_dynamic_global_properties.samples.json').samples;
  for (const [i, s] of dgp.entries()) {
    const num = (s.object.head_block_number ?? s.object.head_block_num) as number | undefined;
    const id = s.object.head_block_id as string | undefined;
    if (num === undefined || id === undefined) continue;
    it(`dgp sample ${i}: real head number/id pass the consistency check and give the TaPoS fields`, () => {
      const key = generateKeyPair('dgp');
      const r = buildSignedTransfer({
        chainId: MAINNET_CHAIN_ID,
        activeWif: key.wif,
        from: '1.2.1',
        to: '1.2.2',
        amount: 100_000n,
        fee: 10_420n,
        headBlockNumber: num,
        headBlockId: id,
        chainTimeSec: Date.parse(`${(s.object.time as string | undefined) ?? '2020-01-01T00:00:00'}Z`) / 1000,
      });
      expect(r.signedTx.ref_block_num).toBe(num & 0xffff);
      expect(r.signedTx.ref_block_prefix).toBe(Buffer.from(id, 'hex').readUInt32LE(4));
    });
  }
});
