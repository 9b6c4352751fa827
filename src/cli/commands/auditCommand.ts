import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { auditVerify, formatVerifyResult } from '../../audit/auditVerify.js';
import { buildReport } from '../../audit/buildReport.js';
import { contractStory } from '../../audit/contractStory.js';
import { groupedBts } from '../../audit/formatAmount.js';
import { formatRows, type OutputFormat, parseTimeArg } from '../../audit/formatRows.js';
import { liabilitiesSvg } from '../../audit/liabilitiesSvg.js';
import { type ContractFilter, type ContractState, type ContractSummary, listContracts } from '../../audit/listContracts.js';
import { listPayouts, type PayoutFilter } from '../../audit/listPayouts.js';
import { type ReconcileDeps, reconcileDeps } from '../../audit/reconcileDeps.js';
import { renderHtmlReport } from '../../audit/renderHtmlReport.js';
import { renderReport } from '../../audit/renderReport.js';
import { runReconcile } from '../../audit/runReconcile.js';
import { namesFromReceipts, summarizeReceipt } from '../../audit/summarizeReceipt.js';
import { openDatabase } from '../../db/openDatabase.js';
import type { PayoutRow } from '../../db/payouts.js';
import { listReceipts, type ReceiptFilter, type ReceiptRow } from '../../db/receipts.js';
import { lastBrokerBalance, lastReceipt, paymentsByMonthAndRail } from '../../db/reportExtras.js';
import { formatBts } from '../../domain/money.js';
import { BaseError } from '../../errors/BaseError.js';
import { railEntries } from '../../payout/rails/registry.js';
import { type FormatOpts, intArg, iso, oneOf, type TimeOpts, timeFilter, usage, withDb } from './audit/auditArgs.js';
import { replayCommand, replayWithConfig } from './audit/replayCommand.js';
import { configFor, outputFormat } from './shared.js';

/** What the audit commands reach outside the database; tests replace it (simulators, captured output). */
export type AuditCommandDeps = ReconcileDeps & {
  /** Where results go. @default process.stdout */
  write?: (text: string) => void;
};

/**
 * `stakebts audit …`: read-only queries for auditors; they open the database read-only and work while the daemon
 * runs (WAL). `verify` and `reconcile` exit non-zero when anything is wrong.
 * @example stakebts audit payouts --user alice --state paid --csv
 */
export function auditCommand(deps: AuditCommandDeps = {}): Command {
  const write = deps.write ?? ((t: string) => void process.stdout.write(t));
  const audit = new Command('audit').description('read-only queries for auditors');

  audit
    .command('receipts')
    .description('list audit receipts')
    .option('--user <account>', 'receipts about this account')
    .option('--contract <id>', 'receipts of this contract (nonce)')
    .option('--event <name>', 'receipts of this event type')
    .option('--since <time>', 'from this time (ms or ISO date, UTC)')
    .option('--until <time>', 'up to this time (ms or ISO date, UTC)')
    .option('--limit <n>', 'at most n receipts')
    .option('--full', 'the full JSON message of each receipt instead of a one-line summary')
    .option('--json', 'JSON lines')
    .option('--csv', 'CSV')
    .action((opts: FormatOpts & TimeOpts & { user?: string; contract?: string; event?: string; full?: boolean }, cmd: Command) => {
      const format = outputFormat(opts);
      const filter: ReceiptFilter = { ...timeFilter(opts) };
      if (opts.user) filter.user = opts.user;
      if (opts.contract) filter.nonce = intArg(opts.contract, '--contract');
      if (opts.event) filter.event = oneOf(opts.event, RECEIPT_EVENTS, '--event');
      withDb(cmd, (db) => write(formatReceipts(listReceipts(db, filter), format, opts.full === true)));
    });

  audit
    .command('contracts')
    .description('list contracts with their state (open, matured, stopped) and what was paid')
    .option('--user <account>', 'contracts of this account')
    .option('--contract <id>', 'this contract')
    .option('--status <state>', 'open | matured | stopped')
    .option('--months <n>', 'term in months')
    .option('--origin <origin>', 'chain | import')
    .option('--since <time>', 'started at or after (ms or ISO date, UTC)')
    .option('--until <time>', 'started at or before (ms or ISO date, UTC)')
    .option('--limit <n>', 'at most n contracts')
    .option('--json', 'JSON lines')
    .option('--csv', 'CSV')
    .action(
      (
        opts: FormatOpts & TimeOpts & { user?: string; contract?: string; status?: string; months?: string; origin?: string },
        cmd: Command,
      ) => {
        const format = outputFormat(opts);
        const filter: ContractFilter = { ...timeFilter(opts) };
        if (opts.user) filter.user = opts.user;
        if (opts.contract) filter.id = intArg(opts.contract, '--contract');
        if (opts.status) filter.state = oneOf(opts.status, ['open', 'matured', 'stopped'] as const, '--status');
        if (opts.months) filter.months = intArg(opts.months, '--months');
        if (opts.origin) filter.origin = oneOf(opts.origin, ['chain', 'import'] as const, '--origin');
        withDb(cmd, (db) => write(formatContracts(listContracts(db, filter), format)));
      },
    );

  audit
    .command('payouts')
    .description('list payments (intents) with their state, rail and tx / withdrawal id')
    .option('--user <account>', 'payments to this account')
    .option('--contract <id>', 'payments of this contract')
    .option(
      '--purpose <purpose>',
      'contract_receipt | interest | principal | stop | refund | support_notice | bittrex_to_broker | broker_to_bittrex',
    )
    .option('--state <state>', 'pending | sending | unknown | submitted | paid | failed')
    .option('--rail <rail>', 'broker | bittrex1 | bittrex2 | bittrex3')
    .option('--since <time>', 'created at or after (ms or ISO date, UTC)')
    .option('--until <time>', 'created at or before (ms or ISO date, UTC)')
    .option('--limit <n>', 'at most n payments')
    .option('--json', 'JSON lines')
    .option('--csv', 'CSV')
    .action(
      (
        opts: FormatOpts & TimeOpts & { user?: string; contract?: string; purpose?: string; state?: string; rail?: string },
        cmd: Command,
      ) => {
        const format = outputFormat(opts);
        const filter: PayoutFilter = { ...timeFilter(opts) };
        if (opts.user) filter.user = opts.user;
        if (opts.contract) filter.contract = intArg(opts.contract, '--contract');
        if (opts.purpose) filter.purpose = oneOf(opts.purpose, PAYOUT_PURPOSES, '--purpose');
        if (opts.state) filter.state = oneOf(opts.state, PAYOUT_STATES, '--state');
        // The configured rails, and the names of every rail a row may carry from an earlier configuration.
        if (opts.rail)
          filter.rail = oneOf(opts.rail, [...new Set([...railEntries(configFor(cmd)).map((r) => r.name), ...RAILS])], '--rail');
        withDb(cmd, (db) => write(formatPayouts(listPayouts(db, filter), format)));
      },
    );

  audit
    .command('contract')
    .description("one contract's full story: rows, payments with tx / withdrawal ids, receipts, in time order")
    .argument('<id>', 'contract id')
    .option('--json', 'one JSON document')
    .action((id: string, opts: { json?: boolean }, cmd: Command) => {
      const contractId = intArg(id, 'contract id');
      withDb(cmd, (db) => {
        const story = contractStory(db, contractId);
        if (!story) throw new BaseError('USAGE', `There is no contract ${contractId}.`);
        if (opts.json) {
          write(`${JSON.stringify({ ...story, receipts: story.receipts.map((r) => ({ ...r, msg: JSON.parse(r.msg) as unknown })) })}\n`);
          return;
        }
        const c = story.contract;
        write(
          `contract ${c.id}: ${c.user}, ${groupedBts(BigInt(c.amountBts) * 100_000n)} BTS for ${c.months} months from ${iso(c.start)} to ${iso(c.maturity)}; ${c.state}` +
            ` (${c.origin}, block ${c.block}); interest paid ${c.interestPaid}/${c.months}\n\nRows\n`,
        );
        write(
          formatRows(
            story.rows,
            [
              { header: 'row', value: (r) => r.id },
              { header: 'type', value: (r) => r.type },
              { header: 'n', value: (r) => r.number },
              { header: 'BTS', value: (r) => groupedBts(BigInt(r.amount) * 100_000n) },
              { header: 'due (UTC)', value: (r) => iso(r.due) },
              { header: 'status', value: (r) => r.status },
              { header: 'processed (UTC)', value: (r) => (r.processed === null ? '' : iso(r.processed)) },
            ],
            'table',
          ),
        );
        write('\nPayments\n');
        write(formatPayouts(story.payouts, 'table'));
        write('\nTimeline\n');
        write(
          formatRows(
            story.timeline,
            [
              { header: 'time (UTC)', value: (e) => iso(e.time) },
              { header: 'ref', value: (e) => e.ref },
              { header: 'what', value: (e) => e.what },
              { header: 'tx / withdrawal id', value: (e) => e.externalId },
            ],
            'table',
          ),
        );
      });
    });

  audit
    .command('verify')
    .description('walk the receipt hash chain and check the money invariants; non-zero exit on any failure')
    .option('--json', 'one JSON document')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const config = configFor(cmd);
      withDb(
        cmd,
        (db) => {
          const result = auditVerify(db, config.terms);
          write(opts.json ? `${JSON.stringify(result)}\n` : formatVerifyResult(result));
          if (!result.ok) process.exitCode = 1;
        },
        config,
      );
    });

  audit
    .command('reconcile')
    .description(
      "compare the broker's transfers on chain and each Bittrex account's withdrawals with the payouts; non-zero exit on any difference",
    )
    .option('--skip-chain', 'do not read the chain')
    .option('--skip-bittrex', 'do not read Bittrex')
    .option('--from-block <n>', 'scan blocks from n (instead of the account history)')
    .option('--to-block <n>', 'last block of the scan (default: last irreversible)')
    .option('--since <time>', 'only payments from this time (ms or ISO date, UTC): Bittrex history is read from then on')
    .option('--until <time>', 'only payments up to this time (ms or ISO date, UTC)')
    .option('--keystore <file>', 'keystore holding the Bittrex API keys (default: config "keystore")')
    .option('--password-file <file>', 'read the keystore password from a file (mode 0600) instead of the prompt')
    .option('--json', 'one JSON document')
    .action(
      async (
        opts: {
          skipChain?: boolean;
          skipBittrex?: boolean;
          fromBlock?: string;
          toBlock?: string;
          keystore?: string;
          passwordFile?: string;
          json?: boolean;
          since?: string;
          until?: string;
        },
        cmd: Command,
      ) => {
        const config = configFor(cmd);
        const window = timeFilter({ ...(opts.since ? { since: opts.since } : {}), ...(opts.until ? { until: opts.until } : {}) });
        const db = openDatabase(config.db, { readonly: true });
        const sides = await reconcileDeps(deps, config, {
          chain: opts.skipChain !== true,
          bittrex: opts.skipBittrex !== true,
          ...(opts.fromBlock ? { fromBlock: intArg(opts.fromBlock, '--from-block') } : {}),
          ...(opts.toBlock ? { toBlock: intArg(opts.toBlock, '--to-block') } : {}),
          keystore: opts.keystore ?? config.keystore,
          ...(opts.passwordFile ? { passwordFile: opts.passwordFile } : {}),
        });
        try {
          const result = await runReconcile({ db, ...(sides.chain ? { chain: sides.chain } : {}), exchanges: sides.exchanges, window });
          if (opts.json)
            write(
              `${JSON.stringify({ ...result, notChecked: sides.notChecked, notes: sides.notes }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`,
            );
          else {
            const checked = [
              result.chainTransfers === null ? null : `${result.chainTransfers} broker transfer(s) on chain`,
              ...Object.entries(result.withdrawals).map(([rail, n]) => `${n} ${rail} withdrawal(s)`),
            ].filter((x) => x !== null);
            write(`checked ${checked.length ? checked.join(', ') : 'nothing'}; ${result.matched} matched a payout\n`);
            for (const n of sides.notes) write(`note: ${n}\n`);
            for (const n of sides.notChecked) write(`not checked: ${n}\n`);
            if (window.since !== undefined || window.until !== undefined)
              write(
                `window: ${window.since === undefined ? 'start' : iso(window.since)} .. ${window.until === undefined ? 'now' : iso(window.until)}\n`,
              );
            if (result.inFlight.length > 0) {
              write(`${result.inFlight.length} payment(s) still in flight (not settled yet, check again later):\n`);
              for (const f of result.inFlight) write(`  [${f.status}] ${f.ref}: ${groupedBts(f.amountSats)} BTS to ${f.recipient}\n`);
            }
            if (result.issues.length === 0)
              write(result.inFlight.length > 0 ? 'no differences among settled payments\n' : 'no differences\n');
            else {
              write(`${result.issues.length} difference(s):\n`);
              for (const i of result.issues) write(`  [${i.kind}] ${i.ref}: ${i.message}\n`);
            }
          }
          if (result.issues.length > 0) process.exitCode = 1;
        } finally {
          db.close();
          await sides.close();
        }
      },
    );

  audit.addCommand(replayCommand(deps));

  audit
    .command('report')
    .description('liabilities by month (next 12), interest paid per month, open contracts, loans, unsupported deposits, refunds')
    .option('--at <time>', 'report as of this time (default: last irreversible block time seen)')
    .option('--months <n>', 'months of liabilities to show', '12')
    .option('--chart <file.svg>', 'also write an SVG chart of liabilities over time')
    .option('--html <file>', 'also write the report as one self-contained HTML file (inline CSS and SVG), with verify results')
    .option('--replay', 'with --html: run `audit replay` (reads the chain and, unless --skip-bittrex, Bittrex) and include its result')
    .option('--skip-bittrex', 'with --replay: do not read Bittrex')
    .option('--password-file <file>', 'with --replay: the keystore password file')
    .option('--json', 'one JSON document')
    .action(
      async (
        opts: {
          at?: string;
          months: string;
          chart?: string;
          html?: string;
          replay?: boolean;
          skipBittrex?: boolean;
          passwordFile?: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const config = configFor(cmd);
        const at = opts.at ? usage(() => parseTimeArg(opts.at as string)) : undefined;
        const db = openDatabase(config.db, { readonly: true });
        try {
          const report = buildReport(db, { months: intArg(opts.months, '--months'), ...(at === undefined ? {} : { now: at }) });
          write(opts.json ? `${JSON.stringify(report)}\n` : renderReport(report));
          if (opts.chart) {
            writeFileSync(opts.chart, liabilitiesSvg(report.liabilities));
            if (!opts.json) write(`chart written to ${opts.chart}\n`);
          }
          if (opts.html) {
            const replay = opts.replay
              ? (
                  await replayWithConfig(
                    deps,
                    config,
                    db,
                    {
                      ...(opts.skipBittrex ? { skipBittrex: true } : {}),
                      ...(opts.passwordFile ? { passwordFile: opts.passwordFile } : {}),
                    },
                    report.now,
                  )
                ).result
              : null;
            const balance = lastBrokerBalance(db);
            writeFileSync(
              opts.html,
              renderHtmlReport({
                report,
                verify: auditVerify(db, config.terms),
                replay,
                ...(replay ? {} : { replayNote: 'run with --replay to include it' }),
                payments: paymentsByMonthAndRail(db, at ?? Number.MAX_SAFE_INTEGER),
                lastReceipt: lastReceipt(db),
                funds: balance ? { ...balance, label: 'broker, last balances receipt' } : null,
                generatedAt: Date.now(),
              }),
            );
            if (!opts.json) write(`HTML report written to ${opts.html}\n`);
          }
        } finally {
          db.close();
        }
      },
    );
  return audit;
}

/** Filter values: anything else is a usage error that lists these. */
const PAYOUT_PURPOSES = [
  'contract_receipt',
  'interest',
  'principal',
  'stop',
  'refund',
  'support_notice',
  'bittrex_to_broker',
  'broker_to_bittrex',
] as const;
const PAYOUT_STATES = ['pending', 'sending', 'unknown', 'submitted', 'paid', 'failed'] as const;
const RAILS = ['broker', 'bittrex1', 'bittrex2', 'bittrex3'] as const;
const RECEIPT_EVENTS = [
  'admin_expired',
  'admin_queued',
  'admin_refused',
  'alarm',
  'backup',
  'balances',
  'broker_transfer_out',
  'contract_imported',
  'contract_opened',
  'contract_stopped',
  'fee_refused',
  'funding',
  'incoming_failed',
  'installment_zero',
  'invalid',
  'loan_recorded',
  'node_refused',
  'outgoing_failed',
  'payout_attempt',
  'payout_attempt_adopted',
  'payout_attempt_retry',
  'payout_attempt_submitted',
  'payout_attempt_unknown',
  'payout_deferred',
  'payout_intent',
  'payout_paid',
  'payout_reset',
  'penalty_aborted',
  'recovery_complete',
  'shutdown',
  'startup',
  'stop_settled',
  'support_notice_queued',
  'transfer_in',
  'treasury_topup_queued',
  'unsupported_asset',
  'withdrawal_explained',
] as const;

function formatReceipts(rows: ReceiptRow[], format: OutputFormat, full = false): string {
  const messages = rows.map((r) => JSON.parse(r.msg) as Record<string, unknown> & { event?: string });
  const names = namesFromReceipts(messages);
  const index = new Map(rows.map((r, i) => [r.id, messages[i] ?? {}]));
  return formatRows<ReceiptRow>(
    rows,
    [
      { header: 'id', value: (r) => r.id },
      { header: 'nonce', value: (r) => r.nonce },
      { header: 'time (UTC)', value: (r) => iso(r.now) },
      { header: 'event', value: (r) => index.get(r.id)?.event ?? '' },
      full || format === 'csv'
        ? { header: 'message', value: (r) => r.msg }
        : { header: 'summary', value: (r) => summarizeReceipt(index.get(r.id) ?? {}, names) },
    ],
    format,
    (r) => ({ id: r.id, nonce: r.nonce, now: r.now, msg: JSON.parse(r.msg) as unknown, hash: r.hash }),
  );
}

function formatContracts(rows: ContractSummary[], format: OutputFormat): string {
  const human = format === 'table';
  return formatRows<ContractSummary>(
    rows,
    [
      { header: 'id', value: (c) => c.id },
      { header: 'user', value: (c) => c.user },
      { header: 'amount (BTS)', value: (c) => (human ? groupedBts(BigInt(c.amountBts) * 100_000n) : c.amountBts) },
      { header: 'months', value: (c) => c.months },
      { header: 'start (UTC)', value: (c) => iso(c.start) },
      { header: 'maturity (UTC)', value: (c) => iso(c.maturity) },
      { header: 'state', value: (c): ContractState => c.state },
      { header: 'interest paid', value: (c) => `${c.interestPaid}/${c.months}` },
      {
        header: 'stop paid (BTS)',
        value: (c) => (c.stopPayoutId === null ? '' : `${bts(c.stopShareSats, human)} (payout ${c.stopPayoutId})`),
      },
      { header: 'paid (BTS)', value: (c) => bts(c.paidSats, human) },
      { header: 'origin', value: (c) => c.origin },
    ],
    format,
  );
}

/** Grouped for a terminal; plain 5-decimal BTS in CSV, where a spreadsheet parses it. */
const bts = (sats: string | number | bigint, human: boolean) => (human ? groupedBts(sats) : formatBts(BigInt(sats)));

function formatPayouts(rows: Array<PayoutRow & { attempt_rows?: number; tries?: unknown[] }>, format: OutputFormat): string {
  const human = format === 'table';
  return formatRows<PayoutRow & { attempt_rows?: number; tries?: unknown[] }>(
    rows,
    [
      { header: 'id', value: (p) => p.id },
      { header: 'purpose', value: (p) => p.purpose },
      { header: 'contract', value: (p) => p.contract_id },
      { header: 'row', value: (p) => p.stake_id },
      { header: 'recipient', value: (p) => p.recipient },
      { header: 'amount (BTS)', value: (p) => bts(p.amount_sats, human) },
      { header: 'state', value: (p) => p.state },
      { header: 'rail', value: (p) => p.rail },
      { header: 'tx / withdrawal id', value: (p) => p.external_id },
      // The tries on rails (payout_attempts rows), numbered "try 1, 2…" in the contract's timeline.
      { header: 'tries', value: (p) => p.attempt_rows ?? p.tries?.length ?? 0 },
      { header: 'created (UTC)', value: (p) => iso(p.created_at) },
      { header: 'paid (UTC)', value: (p) => (p.paid_at === null ? null : iso(p.paid_at)) },
    ],
    format,
    (p) => {
      const { tries, attempt_rows, ...rest } = p;
      return { ...rest, tries: attempt_rows ?? tries?.length ?? 0 };
    },
  );
}
