/**
 * Payout worker: sends ONE already committed payment attempt from its own child process, forked by the payout
 * engine with a hard time limit (SIGKILL). Jobs arrive over IPC only (never argv/env). The worker never writes
 * the database and never builds or signs anything: the parent persisted the attempt with its exact request
 * (signed chain tx / exchange request body) before forking, so a worker killed at any point leaves an attempt that is
 * reconciled by its key.
 *
 * No key reaches this process: the chain tx comes signed (fewer places hold the broker's keys), an exchange
 * request comes with its HMAC headers computed by the parent. It is built into one small file
 * (dist/payout/worker.bundle.cjs, scripts/bundleWorker.mjs) that loads only `ws` and node built-ins: no
 * bitsharesjs, zod, pino or axios, so a fork costs little more than a bare Node start.
 *
 * Writes nothing to stdout.
 */
import { hardenProcess } from '../utils/hardenProcess.js';
import { broadcastSignedTx } from './broadcastSignedTx.js';
import { parseJob } from './parseJob.js';
import { postOnce } from './postOnce.js';
import type { ParentMessage, WorkerMessage } from './protocol.js';

if (typeof process.send !== 'function') {
  process.stderr.write('payout worker: must be started by the payout engine (fork with an IPC channel)\n');
  process.exit(2);
}

// It holds a signed request with the API key header: no inspector on SIGUSR1 (and private files, should it ever write).
hardenProcess();

// The parent died or gave up: stop at once. An unsent payment stays unsent; a sent one is reconciled.
process.on('disconnect', () => process.exit(0));

function nextJob(): Promise<ParentMessage | null> {
  return new Promise((resolve) => process.once('message', (raw) => resolve(parseJob(raw))));
}

function send(msg: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(msg, undefined, {}, (err) => (err ? reject(err) : resolve())));
}

async function main(): Promise<void> {
  const job = nextJob(); // listen before announcing: the job may come back at once
  await send({ type: 'ready' });
  const j = await job;
  if (j === null) {
    await send({ type: 'failed', stage: 'before_send', reason: 'malformed job message' });
    return;
  }
  switch (j.type) {
    case 'ws-broadcast': {
      const outcome = await broadcastSignedTx({
        signedTx: j.signedTx,
        chainId: j.chainId,
        urls: j.nodeUrls,
        callTimeoutMs: j.callTimeoutMs,
      });
      await send({ type: 'ws-broadcast.result', txId: j.txId, outcome });
      return;
    }
    case 'http-post': {
      const outcome = await postOnce({ url: j.url, headers: j.headers, body: j.body, timeoutMs: j.timeoutMs });
      await send({ type: 'http-post.result', outcome });
      return;
    }
    case 'abort':
      return;
  }
}

main()
  .then(() => process.exit(0))
  .catch(() => process.exit(1));
