import { Option } from 'commander';

/**
 * The older name of `--skip-exchanges` (when Bittrex was the only exchange): still accepted, no longer shown. Its own
 * module, commander alone, so the definition modules can add it without loading what auditArgs.ts loads.
 */
export const skipBittrexOption = (): Option => new Option('--skip-bittrex').hideHelp();
