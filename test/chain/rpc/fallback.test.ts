import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../../src/chain/nodeClient/index.js';
import { createFallbackRpc, isApiMissing, RpcNodeError, type RpcResponseInfo } from '../../../src/chain/rpc/index.js';
import { isError } from '../../../src/errors/BaseError.js';
import { type ChainSimOptions, type ChainSimulator, SIM_CHAIN_ID, startChainSimulator } from '../../../src/sim/chain/index.js';

// Identical chains on every simulator: same genesis time and synthetic seed.
const SAME_CHAIN: ChainSimOptions = {
  genesisTimeMs: Date.UTC(2025, 0, 1),
  syntheticHistory: { blocks: 2_000, seed: 42, opsPerBlock: 2 },
};

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('createFallbackRpc / createNodeClient failover', () => {
  it('serves 2 000 getBlock calls correctly across a refusing, a hanging and a dropping node', async () => {
    const refusing = await startChainSimulator({
      ...SAME_CHAIN,
      faults: { refuseConnections: true },
    });
    const hanging = await startChainSimulator({
      ...SAME_CHAIN,
      faults: { hang: ['*'] },
    });
    const dropping = await startChainSimulator({
      ...SAME_CHAIN,
      faults: { dropEveryNCalls: 300, outOfOrderMaxMs: 3 },
    });
    const responses: RpcResponseInfo[] = [];
    const node = createNodeClient({
      urls: [refusing.url, hanging.url, dropping.url],
      expectedChainId: SIM_CHAIN_ID,
      callTimeoutMs: 1_000,
      onResponse: (r) => responses.push(r),
      rpc: { reconnectDelayMs: 20, cooldownMs: 2_000 },
    });
    try {
      const window = 25;
      for (let start = 1; start <= 2_000; start += window) {
        const nums = Array.from({ length: window }, (_, i) => start + i);
        const blocks = await Promise.all(nums.map((n) => node.getBlock(n)));
        blocks.forEach((b, i) => {
          const n = nums[i]!;
          const truth = dropping.state.block(n)!;
          expect(b).not.toBeNull();
          expect(b!.blockNum).toBe(n);
          expect(b!.blockId).toBe(truth.block_id);
          expect(b!.timestampMs).toBe(Date.parse(`${String(truth.timestamp)}Z`));
          expect(b!.transactions.length).toBe((truth.transactions as unknown[]).length);
        });
      }
      expect(responses.some((r) => !r.ok && r.url === refusing.url.replace(/\/$/, ''))).toBe(true);
      expect(responses.some((r) => !r.ok && r.url === hanging.url)).toBe(true);
      expect(dropping.connections().length).toBeGreaterThanOrEqual(1);
      expect(responses.filter((r) => r.ok && r.method === 'get_block').length).toBe(2_000);
      expect(unhandled).toEqual([]);
    } finally {
      await node.close();
      await Promise.all([refusing.close(), hanging.close(), dropping.close()]);
    }
  });

  it('refuses a node on another chain with CHAIN_ID_MISMATCH naming both ids, and uses the right one', async () => {
    const other = 'cd'.repeat(32);
    const wrong = await startChainSimulator({ chainId: other });
    const right = await startChainSimulator({});
    try {
      const only = createNodeClient({
        urls: [wrong.url],
        expectedChainId: SIM_CHAIN_ID,
        rpc: { retryCount: 0 },
      });
      const err: any = await only.getChainId().catch((e: any) => e);
      await only.close();
      expect(isError(err, 'CHAIN_ID_MISMATCH')).toBe(true);
      expect(err.message).toContain(other);
      expect(err.message).toContain(SIM_CHAIN_ID);

      const both = createNodeClient({
        urls: [wrong.url, right.url],
        expectedChainId: SIM_CHAIN_ID,
      });
      expect(await both.getChainId()).toBe(SIM_CHAIN_ID);
      await both.close();
    } finally {
      await Promise.all([wrong.close(), right.close()]);
    }
  });

  it('throws a deterministic node error at once without asking the other nodes', async () => {
    const a = await startChainSimulator({
      faults: {
        errors: { get_account_by_name: { name: 'assert_exception', code: 10 } },
      },
    });
    const b = await startChainSimulator({});
    const responses: RpcResponseInfo[] = [];
    const rpc = createFallbackRpc([a.url, b.url], {
      onResponse: (r) => responses.push(r),
    });
    try {
      const err: any = await rpc
        .request({
          api: 'database',
          method: 'get_account_by_name',
          params: ['x'],
        })
        .catch((e: any) => e);
      expect(err).toBeInstanceOf(RpcNodeError);
      expect(err.fcName).toBe('assert_exception');
      expect(responses.map((r) => [r.url, r.method, r.ok])).toEqual([[a.url, 'get_account_by_name', false]]);
      expect(typeof responses[0]!.ms).toBe('number');
    } finally {
      await rpc.close();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('does not fail a broadcast over to another node once it was sent (outcome unknown)', async () => {
    const a = await startChainSimulator({
      faults: { hang: ['broadcast_transaction'] },
    });
    const b = await startChainSimulator({});
    const responses: RpcResponseInfo[] = [];
    const node = createNodeClient({
      urls: [a.url, b.url],
      callTimeoutMs: 400,
      onResponse: (r) => responses.push(r),
    });
    try {
      const err: any = await node.broadcastTransaction({ operations: [] }).catch((e: any) => e);
      expect(isError(err, 'NODE_TIMEOUT')).toBe(true);
      expect(responses.filter((r) => r.method === 'broadcast_transaction').map((r) => r.url)).toEqual([a.url]);
    } finally {
      await node.close();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('fails over when a node sends a result of the wrong shape', async () => {
    const a = await startChainSimulator({});
    const b = await startChainSimulator({});
    // Node a answers get_dynamic_global_properties with an fc-valid but unusable object.
    a.state.blockId = () => 'not-hex';
    const node = createNodeClient({ urls: [a.url, b.url] });
    try {
      const dgp = await node.getDynamicGlobalProperties();
      expect(dgp.headBlockId).toBe(b.state.blockId(b.headBlockNumber));
    } finally {
      await node.close();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('skips a node that does not grant the api a call needs without cooling it down; with none granting it, says so at once', async () => {
    const bare = await startChainSimulator(SAME_CHAIN);
    const granting = await startChainSimulator({ ...SAME_CHAIN, blockApi: true });
    const failed: RpcResponseInfo[] = [];
    const node = createNodeClient({ urls: [bare.url, granting.url], onResponse: (i) => void (i.ok || failed.push(i)) });
    const alone = createNodeClient({ urls: [bare.url] });
    try {
      expect(await node.getBlock(5)).toMatchObject({ servedBy: bare.url }); // the bare node is current
      const blocks = await node.getBlocks(10, 14);
      expect(blocks.map((b) => [b?.blockNum, b?.servedBy])).toEqual([10, 11, 12, 13, 14].map((n) => [n, granting.url]));
      expect(blocks[0]!.computedId).toBe(bare.state.blockId(10)); // get_blocks sends no block_id: the id recomputed
      expect(failed).toEqual([]);
      expect(node.rpc.nodeStates()).toEqual([
        { url: bare.url, failures: 0, downUntil: 0 },
        { url: granting.url, failures: 0, downUntil: 0 },
      ]);
      // The node that answered is the one asked first now, as after any call; the bare one was skipped, not failed.
      expect(await node.getBlock(6)).toMatchObject({ servedBy: granting.url });
      const started = Date.now();
      const err = await alone.getBlocks(10, 14).catch((e: unknown) => e);
      expect(isApiMissing(err)).toBe(true);
      expect(isError(err, 'NODE_UNAVAILABLE')).toBe(true);
      expect(Date.now() - started).toBeLessThan(150); // no retry pass: waiting would not make the node grant it
      expect(alone.rpc.nodeStates()[0]).toMatchObject({ failures: 0, downUntil: 0 });
      expect(await alone.getBlock(10)).toMatchObject({ blockNum: 10, servedBy: bare.url });
    } finally {
      await Promise.all([node.close(), alone.close()]);
      await Promise.all([bare.close(), granting.close()]);
    }
  });

  it('reports every node down as NODE_UNAVAILABLE without an unhandled rejection', async () => {
    const sims: ChainSimulator[] = [await startChainSimulator({ faults: { refuseConnections: true } })];
    const node = createNodeClient({
      urls: [sims[0]!.url, 'ws://127.0.0.1:1'],
      callTimeoutMs: 500,
    });
    try {
      const err: any = await node.getBlock(1).catch((e: any) => e);
      expect(isError(err, 'NODE_UNAVAILABLE')).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      await node.close();
      await sims[0]!.close();
    }
  });
});
