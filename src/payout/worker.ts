/**
 * Payout worker: one payment attempt in its own child process, forked by the payout engine with a hard time
 * limit (SIGKILL). Jobs and the keys they need arrive over IPC only (never argv/env). The worker never writes
 * the database: the parent persists every intent before the worker may send.
 *
 * Writes nothing to stdout; keys are never logged or echoed back.
 */
import type { BittrexPostJob, ChainOutcome, ChainSignJob, ParentMessage, WorkerMessage } from './protocol.js';
import { parentMessageSchema, workerMessageSchema } from './protocol.js';

if (typeof process.send !== 'function') {
  process.stderr.write('payout worker: must be started by the payout engine (fork with an IPC channel)\n');
  process.exit(2);
}

// The parent died or gave up: stop at once. An unsent payment stays unsent; a sent one is reconciled.
process.on('disconnect', () => process.exit(0));

const inbox: ParentMessage[] = [];
const waiters: Array<(m: ParentMessage) => void> = [];
process.on('message', (raw) => {
  const parsed = parentMessageSchema.safeParse(raw);
  if (!parsed.success) {
    void send({ type: 'failed', stage: 'before_send', reason: 'malformed job message' }).then(() => process.exit(1));
    return;
  }
  const w = waiters.shift();
  if (w) w(parsed.data);
  else inbox.push(parsed.data);
});

function next(): Promise<ParentMessage> {
  const m = inbox.shift();
  return m ? Promise.resolve(m) : new Promise((resolve) => waiters.push(resolve));
}

function send(msg: WorkerMessage): Promise<void> {
  const checked = workerMessageSchema.parse(msg);
  return new Promise((resolve, reject) => process.send!(checked, undefined, {}, (err) => (err ? reject(err) : resolve())));
}

async function main(): Promise<void> {
  await send({ type: 'ready' });
  const job = await next();
  if (job.type === 'chain.sign') await runChain(job);
  else if (job.type === 'bittrex.post') await runBittrex(job);
  else await send({ type: 'failed', stage: 'before_send', reason: `unexpected first message ${job.type}` });
}

async function runChain(job: ChainSignJob): Promise<void> {
  const [{ buildSignedTransfer, encryptMemo }, { createNodeClient }] = await Promise.all([
    import('../chain/bitshares/index.js'),
    import('../chain/nodeClient/index.js'),
  ]);
  const node = createNodeClient({ urls: job.nodeUrls, expectedChainId: job.chainId, callTimeoutMs: job.callTimeoutMs });
  // Open the connection while signing; a read, safe to fail (the broadcast reconnects).
  const warm = node.getChainId().catch(() => undefined);
  let signed: { txId: string; expiration: number; signedTx: unknown };
  try {
    const memo = encryptMemo({ fromWif: job.memoWif, toPub: job.toMemoPub, text: job.memoText });
    signed = buildSignedTransfer({
      chainId: job.chainId,
      from: job.from,
      to: job.to,
      amount: BigInt(job.amountSats),
      fee: BigInt(job.feeSats),
      memo,
      activeWif: job.activeWif,
      headBlockNumber: job.headBlockNumber,
      headBlockId: job.headBlockId,
      chainTimeSec: job.chainTimeSec,
      expiresInSec: job.expiresInSec,
    });
  } catch (err) {
    // Error texts of the adapter are built from public values only.
    await send({ type: 'failed', stage: 'before_send', reason: `signing failed: ${shortText(err)}` });
    await node.close();
    return;
  }
  await send({
    type: 'chain.signed',
    txId: signed.txId,
    expiration: signed.expiration,
    signedTx: signed.signedTx as Record<string, unknown>,
  });
  const ack = await next();
  if (ack.type !== 'chain.persisted' || ack.txId !== signed.txId) {
    await node.close();
    return; // not persisted: nothing may be sent
  }
  await warm;
  const outcome = await broadcast(node, signed.signedTx);
  await send({ type: 'chain.result', txId: signed.txId, outcome });
  await node.close();
}

async function broadcast(node: { broadcastTransaction(tx: unknown): Promise<void> }, signedTx: unknown): Promise<ChainOutcome> {
  const { RpcNodeError, RpcTransportError } = await import('../chain/rpc/index.js');
  try {
    await node.broadcastTransaction(signedTx);
    return { kind: 'accepted' };
  } catch (err) {
    if (err instanceof RpcNodeError) {
      const text = `${err.fcName}: ${err.details ?? err.shortMessage}`.slice(0, 300);
      // The node already holds this exact tx (pool or block): it was sent.
      if (/duplicate transaction/i.test(text)) return { kind: 'accepted' };
      return {
        kind: 'rejected',
        fcName: err.fcName,
        reason: text,
        funds: /insufficient balance/i.test(text),
        transient: /expiration|tapos|ref_block/i.test(text),
      };
    }
    if (err instanceof RpcTransportError && !err.requestSent) {
      // No node took the request: definitely not sent, but the rail itself is fine; retry later, no failover.
      return { kind: 'rejected', fcName: 'node_unreachable', reason: err.shortMessage, funds: false, transient: true };
    }
    return { kind: 'ambiguous', reason: shortText(err) };
  }
}

async function runBittrex(job: BittrexPostJob): Promise<void> {
  const [{ buildWithdrawalBody, createBittrexClient }, { parseDecimalBts }] = await Promise.all([
    import('../exchange/bittrex/index.js'),
    import('../domain/money.js'),
  ]);
  let params: { quantity: bigint; cryptoAddress: string; cryptoAddressTag?: string; clientWithdrawalId: string };
  try {
    const b = JSON.parse(job.body) as Record<string, unknown>;
    params = {
      quantity: parseDecimalBts(String(b.quantity)),
      cryptoAddress: String(b.cryptoAddress),
      clientWithdrawalId: String(b.clientWithdrawalId),
      ...(typeof b.cryptoAddressTag === 'string' ? { cryptoAddressTag: b.cryptoAddressTag } : {}),
    };
    // The client serialises the body itself; send only if that is byte-identical to the committed one.
    if (buildWithdrawalBody(params) !== job.body) throw new Error('body is not canonical');
  } catch (err) {
    await send({ type: 'failed', stage: 'before_send', reason: `committed body unusable: ${shortText(err)}` });
    return;
  }
  const client = createBittrexClient({
    baseUrl: job.baseUrl,
    apiKey: job.apiKey,
    apiSecret: job.apiSecret,
    timeoutMs: job.timeoutMs,
    clockOffsetMs: job.clockOffsetMs,
  });
  const o = await client.createWithdrawal(params);
  const wire = (w: {
    id: string;
    status: string;
    quantity: bigint;
    txCost: bigint;
    txId: string | null;
    clientWithdrawalId: string | null;
  }) => ({
    id: w.id,
    status: w.status,
    quantity: w.quantity.toString(),
    txCost: w.txCost.toString(),
    txId: w.txId,
    clientWithdrawalId: w.clientWithdrawalId,
  });
  switch (o.kind) {
    case 'created':
      await send({ type: 'bittrex.result', outcome: { kind: 'created', withdrawal: wire(o.withdrawal) } });
      return;
    case 'duplicate':
      await send({
        type: 'bittrex.result',
        outcome: {
          kind: 'duplicate',
          ...(o.withdrawalId === undefined ? {} : { withdrawalId: o.withdrawalId }),
          ...(o.withdrawal === undefined ? {} : { withdrawal: wire(o.withdrawal) }),
        },
      });
      return;
    default:
      await send({ type: 'bittrex.result', outcome: o });
  }
}

function shortText(err: unknown): string {
  const e = err as { shortMessage?: unknown; message?: unknown };
  const text = typeof e?.shortMessage === 'string' ? e.shortMessage : typeof e?.message === 'string' ? e.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}

main()
  .then(() => process.exit(0))
  .catch(() => process.exit(1));
