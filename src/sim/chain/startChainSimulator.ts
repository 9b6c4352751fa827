import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { mixSeed, prng } from '../../utils/prng.js';
import { clientTransfer as applyClientTransfer } from './acceptTransaction.js';
import { ChainState } from './ChainState.js';
import { newConnectionApis } from './dispatchCall.js';
import { FcError } from './FcError.js';
import { fcInt64 } from './fcJson.js';
import { calledMethod, handleRpcMessage } from './handleRpcMessage.js';
import type { ChainSimFaults, ChainSimOptions, ClientTransferParameters, LedgerTransfer, SimAccount } from './types.js';

/** One client connection, with its own fault overrides. */
export type SimConnection = {
  id: number;
  /** Overrides of the global faults for this connection only. */
  faults: ChainSimFaults;
  calls: number;
  terminate(): void;
};

export type ChainSimulator = {
  url: string;
  port: number;
  chainId: string;
  /** Global faults; mutate at run time. */
  faults: ChainSimFaults;
  connections(): SimConnection[];
  readonly headBlockNumber: number;
  readonly lastIrreversibleBlockNumber: number;
  /** Chain time of the head block, UTC ms. */
  readonly headTimeMs: number;
  produceBlocks(n?: number): number;
  createAccount(name: string, opts?: { seed?: string; ownerWif?: string; activeWif?: string; memoWif?: string }): SimAccount;
  account(name: string): SimAccount | undefined;
  fund(name: string, sats: bigint, assetId?: string): void;
  balance(name: string, assetId?: string): bigint;
  clientTransfer(p: ClientTransferParameters): Promise<{ blockNum?: number; txId: string }>;
  transfersTo(name: string): LedgerTransfer[];
  transfersFrom(name: string): LedgerTransfer[];
  /** Block number holding a transaction, if included. */
  txBlock(txId: string): number | undefined;
  /** The state itself, for advanced tests. */
  state: ChainState;
  close(): Promise<void>;
};

const GARBAGE = ['not json at all', '{"id":', '[1,2,3]', '{"id":"x","result":1}', '\u0000\u0001', '{"jsonrpc":"2.0"}', 'null'];

/**
 * Starts a BitShares node simulator: a WebSocket server on 127.0.0.1 speaking the node's JSON-RPC
 * (`call` with per-connection api ids), verifying every broadcast, producing blocks in real time or on
 * demand, with injectable faults.
 *
 * @param options - see {@link ChainSimOptions}
 * @example const sim = await startChainSimulator({ blockIntervalMs: 0 }); sim.createAccount('broker');
 */
export async function startChainSimulator(options: ChainSimOptions = {}): Promise<ChainSimulator> {
  const state = new ChainState(options);
  if (state.head === 0) state.produceBlock(); // a chain always has a head block to reference (TaPoS)
  const faults: ChainSimFaults = { ...(options.faults ?? {}) };
  const conns = new Map<WebSocket, SimConnection>();
  const rand = prng(mixSeed(options.syntheticHistory?.seed ?? 7, 99));
  let nextConnId = 1;
  const waiters = new Map<string, Array<(n: number) => void>>();

  const wss = new WebSocketServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    perMessageDeflate: false,
    verifyClient: (_info, cb) => (faults.refuseConnections ? cb(false, 503, 'refused by simulator') : cb(true)),
  });
  wss.on('error', () => {}); // server errors surface through listen below
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const port = (wss.address() as AddressInfo).port;

  wss.on('connection', (ws) => {
    const apis = newConnectionApis();
    const conn: SimConnection = {
      id: nextConnId++,
      faults: {},
      calls: 0,
      terminate: () => ws.terminate(),
    };
    conns.set(ws, conn);
    ws.on('error', () => {});
    ws.on('close', () => conns.delete(ws));
    const send = (text: string): void => {
      if (ws.readyState === ws.OPEN) ws.send(text);
    };
    const notice = (cb: unknown, payload: unknown): void => send(JSON.stringify({ method: 'notice', params: [cb, payload] }));
    const ctx = {
      state,
      apis,
      historyApi: options.historyApi ?? false,
      blockApi: options.blockApi ?? false,
      notice,
      get historyOmits(): readonly number[] {
        return conn.faults.historyOmits ?? faults.historyOmits ?? [];
      },
    };
    let inflight = 0;

    ws.on('message', (data) => {
      const f: ChainSimFaults = { ...faults, ...conn.faults };
      const text = data.toString();
      let method = '';
      try {
        method = calledMethod(JSON.parse(text));
      } catch {
        // answered below as fc answers bad JSON
      }
      conn.calls++;
      if (f.dropEveryNCalls && conn.calls % f.dropEveryNCalls === 0) {
        ws.terminate();
        return;
      }
      if (f.hang && (f.hang.includes('*') || f.hang.includes(method))) return;
      if (f.maxInflight !== undefined && inflight >= f.maxInflight) {
        // A rate-limiting proxy's refusal: no work done, answered at once with HTTP's 429 as the JSON-RPC code.
        let id: unknown = null;
        try {
          id = (JSON.parse(text) as { id?: unknown }).id ?? null;
        } catch {
          // no id to answer with
        }
        send(JSON.stringify({ id, jsonrpc: '2.0', error: { code: 429, message: 'Too Many Requests' } }));
        return;
      }
      inflight++;
      let settled = false;
      const done = (): void => {
        if (!settled) {
          settled = true;
          inflight--;
        }
      };

      const reply = (body: Record<string, unknown>): void => {
        if (f.loseReply?.includes(method)) {
          done();
          return;
        }
        const out = (): void => {
          done();
          if (f.garbageEveryNCalls && conn.calls % f.garbageEveryNCalls === 0) {
            send(GARBAGE[Math.floor(rand() * GARBAGE.length)]!);
          }
          // A bigint that slipped through is written as fc writes an int64.
          send(JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? fcInt64(v) : v)));
        };
        const delay =
          (f.latencyMs ?? 0) + (f.latencyJitterMs ? rand() * f.latencyJitterMs : 0) + (f.outOfOrderMaxMs ? rand() * f.outOfOrderMaxMs : 0);
        if (delay > 0) setTimeout(out, delay);
        else out();
      };
      const outcome = handleRpcMessage(text, ctx, {
        injected: (m) => {
          const spec = f.errors?.[m];
          return spec ? FcError.from(spec, m) : undefined;
        },
      });
      if (outcome.kind === 'reply') reply(outcome.body);
      else if (outcome.kind === 'later') void outcome.body.then(reply);
      else done(); // nothing to answer: nothing in flight
    });
  });

  const produceBlocks = (n = 1): number => {
    for (let i = 0; i < n; i++) {
      const num = state.produceBlock();
      for (const txId of state.blockTxIds(num)) {
        for (const w of waiters.get(txId) ?? []) w(num);
        waiters.delete(txId);
      }
    }
    return state.head;
  };
  const interval = options.blockIntervalMs ?? 0;
  const timer = interval > 0 ? setInterval(() => produceBlocks(1), interval) : undefined;

  const mustAccount = (name: string): string => {
    const id = state.accountIdByName.get(name);
    if (!id) throw new Error(`unknown account: ${name}`);
    return id;
  };
  let closing: Promise<void> | null = null;

  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    chainId: state.chainId,
    faults,
    connections: () => [...conns.values()],
    get headBlockNumber() {
      return state.head;
    },
    get lastIrreversibleBlockNumber() {
      return state.lib;
    },
    get headTimeMs() {
      return state.headTimeMs;
    },
    produceBlocks,
    createAccount: (name, opts = {}) => state.createAccount(name, opts),
    account: (name) => state.simAccounts.get(name),
    fund: (name, sats, assetId = '1.3.0') => {
      if (sats <= 0n) throw new Error('fund amount must be > 0');
      state.credit(mustAccount(name), assetId, sats);
    },
    balance: (name, assetId = '1.3.0') => state.balance(mustAccount(name), assetId),
    clientTransfer: async (p) => {
      const pending = applyClientTransfer(state, p);
      if (interval <= 0) return { txId: pending.txId };
      const blockNum = await new Promise<number>((resolve) => {
        const list = waiters.get(pending.txId) ?? [];
        list.push(resolve);
        waiters.set(pending.txId, list);
      });
      return { blockNum, txId: pending.txId };
    },
    transfersTo: (name) => state.ledger.filter((t) => t.to === state.accountIdByName.get(name)),
    transfersFrom: (name) => state.ledger.filter((t) => t.from === state.accountIdByName.get(name)),
    txBlock: (txId) => {
      const k = state.known.get(txId);
      return k && k !== 'pending' ? k.blockNum : undefined;
    },
    state,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        for (const ws of conns.keys()) ws.terminate();
        wss.close(() => resolve());
      });
      return closing;
    },
  };
}
