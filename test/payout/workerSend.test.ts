import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSignedTransfer, encryptMemo } from '../../src/chain/bitshares/index.js';
import { createNodeClient } from '../../src/chain/nodeClient/index.js';
import { btsToSats } from '../../src/domain/money.js';
import { broadcastSignedTx } from '../../src/payout/broadcastSignedTx.js';
import { parseJob } from '../../src/payout/parseJob.js';
import { postOnce } from '../../src/payout/postOnce.js';
import { type ChainSimulator, startChainSimulator } from '../../src/sim/chain/index.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function chainWithPayer(): Promise<{
  chain: ChainSimulator;
  sign: (bts: number, opts?: { expiresInSec?: number }) => Promise<Record<string, unknown>>;
}> {
  const chain = await startChainSimulator({ blockTimeMs: 3_000, irreversibleLag: 2 });
  cleanups.push(() => chain.close());
  const payer = chain.createAccount('payer');
  const payee = chain.createAccount('payee');
  chain.fund('payer', btsToSats(1_000));
  const node = createNodeClient({ urls: [chain.url], expectedChainId: chain.chainId });
  cleanups.push(() => node.close());
  const sign = async (bts: number, opts: { expiresInSec?: number } = {}) => {
    const dgp = await node.getDynamicGlobalProperties();
    return buildSignedTransfer({
      chainId: chain.chainId,
      from: payer.id,
      to: payee.id,
      amount: btsToSats(bts),
      fee: btsToSats(1),
      memo: encryptMemo({ fromWif: payer.memoWif, toPub: payee.memoPub, text: `test ${bts}` }),
      activeWif: payer.activeWif,
      headBlockNumber: dgp.headBlockNumber,
      headBlockId: dgp.headBlockId,
      chainTimeSec: Math.floor(dgp.time / 1000),
      expiresInSec: opts.expiresInSec ?? 120,
    }).signedTx as unknown as Record<string, unknown>;
  };
  return { chain, sign };
}

/** A port that refuses connections (listened on, then closed). */
async function deadUrl(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `ws://127.0.0.1:${port}`;
}

describe('worker broadcast (minimal ws handshake, one connection per node)', () => {
  it('accepted; the same tx again is a duplicate = accepted; the tx is in the ledger once', async () => {
    const { chain, sign } = await chainWithPayer();
    const tx = await sign(10);
    const p = { signedTx: tx, chainId: chain.chainId, urls: [chain.url], callTimeoutMs: 5_000 };
    expect(await broadcastSignedTx(p)).toEqual({ kind: 'accepted' });
    expect(await broadcastSignedTx(p)).toEqual({ kind: 'accepted' });
    chain.produceBlocks(1);
    expect(chain.transfersTo('payee').map((t) => t.amountSats)).toEqual([btsToSats(10)]);
  }, 60_000);

  it('an fc refusal is definite: insufficient balance → funds; expired → transient', async () => {
    const { chain, sign } = await chainWithPayer();
    const poor = await broadcastSignedTx({ signedTx: await sign(5_000), chainId: chain.chainId, urls: [chain.url], callTimeoutMs: 5_000 });
    expect(poor).toMatchObject({ kind: 'rejected', fcName: 'assert_exception', funds: true, transient: false });
    const tx = await sign(10, { expiresInSec: 1 });
    chain.produceBlocks(2); // chain time moves 6 s: past the expiration
    const late = await broadcastSignedTx({ signedTx: tx, chainId: chain.chainId, urls: [chain.url], callTimeoutMs: 5_000 });
    expect(late).toMatchObject({ kind: 'rejected', funds: false, transient: true });
    expect(chain.transfersTo('payee')).toHaveLength(0);
  }, 60_000);

  it('falls over to the next node while nothing was sent; no node reachable → node_unreachable (definitely not sent)', async () => {
    const { chain, sign } = await chainWithPayer();
    const dead = await deadUrl();
    const tx = await sign(10);
    expect(await broadcastSignedTx({ signedTx: tx, chainId: chain.chainId, urls: [dead, chain.url], callTimeoutMs: 5_000 })).toEqual({
      kind: 'accepted',
    });
    const none = await broadcastSignedTx({
      signedTx: await sign(11),
      chainId: chain.chainId,
      urls: [dead],
      callTimeoutMs: 2_000,
      passDelayMs: 10,
    });
    expect(none).toMatchObject({ kind: 'rejected', fcName: 'node_unreachable', transient: true });
    chain.produceBlocks(1);
    expect(chain.transfersTo('payee').map((t) => t.amountSats)).toEqual([btsToSats(10)]);
  }, 60_000);

  it('a node on another chain is never given the tx', async () => {
    const { chain, sign } = await chainWithPayer();
    const tx = await sign(10);
    const r = await broadcastSignedTx({ signedTx: tx, chainId: 'ab'.repeat(32), urls: [chain.url], callTimeoutMs: 2_000, passDelayMs: 10 });
    expect(r).toMatchObject({ kind: 'rejected', fcName: 'node_unreachable' });
    expect((r as { reason: string }).reason).toMatch(/another chain/);
    chain.produceBlocks(1);
    expect(chain.transfersTo('payee')).toHaveLength(0);
  }, 60_000);

  it('no answer after the broadcast was sent is ambiguous, never "not sent"', async () => {
    const { chain, sign } = await chainWithPayer();
    chain.faults.hang = ['broadcast_transaction'];
    const r = await broadcastSignedTx({ signedTx: await sign(10), chainId: chain.chainId, urls: [chain.url], callTimeoutMs: 500 });
    expect(r.kind).toBe('ambiguous');
  }, 60_000);
});

describe('worker POST (node:http, exactly the committed bytes)', () => {
  async function server(handler: http.RequestListener): Promise<string> {
    const s = http.createServer(handler);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          s.closeAllConnections();
          s.close(() => r());
        }),
    );
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}/v3/withdrawals`;
  }

  it('sends the body and headers verbatim and returns status, text and Retry-After', async () => {
    let seen: { method?: string | undefined; url?: string | undefined; headers?: http.IncomingHttpHeaders; body?: string } = {};
    const url = await server((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body };
        res.writeHead(429, { 'Retry-After': '7', 'Content-Type': 'application/json' });
        res.end('{"code":"THROTTLED"}');
      });
    });
    const body = '{"currencySymbol":"BTS","quantity":"1.00000","cryptoAddress":"ünï"}';
    const r = await postOnce({ url, headers: { 'Api-Key': 'k', 'Content-Type': 'application/json' }, body, timeoutMs: 5_000 });
    expect(r).toEqual({ kind: 'response', status: 429, text: '{"code":"THROTTLED"}', retryAfter: '7' });
    expect(seen).toMatchObject({ method: 'POST', url: '/v3/withdrawals', body });
    expect(seen.headers).toMatchObject({ 'api-key': 'k', 'content-length': String(Buffer.byteLength(body)) });
  }, 30_000);

  it('no answer: a hang is a timeout, a dropped connection a network code', async () => {
    const hang = await server(() => {});
    expect(await postOnce({ url: hang, headers: {}, body: '{}', timeoutMs: 300 })).toEqual({
      kind: 'network',
      networkCode: 'ETIMEDOUT',
      timedOut: true,
    });
    const drop = await server((req) => req.socket.destroy());
    const r = await postOnce({ url: drop, headers: {}, body: '{}', timeoutMs: 5_000 });
    expect(r).toMatchObject({ kind: 'network', timedOut: false });
  }, 30_000);
});

describe('worker job check (no zod in the worker)', () => {
  it('accepts the jobs the parent sends and nothing else', () => {
    const chainJob = {
      type: 'ws-broadcast',
      txId: 'a'.repeat(40),
      signedTx: {},
      chainId: 'b'.repeat(64),
      nodeUrls: ['ws://x'],
      callTimeoutMs: 10,
    };
    expect(parseJob(chainJob)).toEqual(chainJob);
    expect(parseJob({ ...chainJob, txId: 'A'.repeat(40) })).toBeNull();
    expect(parseJob({ ...chainJob, nodeUrls: [] })).toBeNull();
    const post = { type: 'http-post', url: 'http://127.0.0.1:1/v3/withdrawals', headers: { a: 'b' }, body: '{}', timeoutMs: 5 };
    expect(parseJob(post)).toEqual(post);
    expect(parseJob({ ...post, headers: { a: 1 } })).toBeNull();
    expect(parseJob({ ...post, url: 'file:///etc/passwd' })).toBeNull();
    expect(parseJob({ type: 'abort', reason: 'x' })).toEqual({ type: 'abort', reason: 'x' });
    expect(parseJob({ type: 'chain.sign' })).toBeNull();
    expect(parseJob(null)).toBeNull();
  });
});
