import type { Command } from 'commander';
import type { OutputFormat } from '../../audit/formatRows.js';
import { type Config, loadConfig } from '../../config/index.js';
import { BaseError } from '../../errors/BaseError.js';
import { railEntries } from '../../payout/rails/registry.js';

/** Options every command accepts. */
export type GlobalOptions = { config?: string; db?: string };

/** The validated config for a command, with --db applied; each `rails` entry is checked by its kind's own schema. */
export function configFor(cmd: Command): Config {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const config = loadConfig({ path: opts.config, overrides: opts.db ? { db: opts.db } : {} });
  railEntries(config);
  return config;
}

/** --json / --csv / default table. */
export function outputFormat(opts: { json?: boolean; csv?: boolean }): OutputFormat {
  if (opts.json && opts.csv) throw new BaseError('USAGE', 'Choose one of --json and --csv.');
  return opts.json ? 'json' : opts.csv ? 'csv' : 'table';
}
