import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { BaseError } from '../errors/BaseError.js';
import { type Config, configSchema } from './configSchema.js';

export const DEFAULT_CONFIG_FILE = 'stakebts.config.json';

export type LoadConfigOptions = {
  /** Path from --config; falls back to STAKEBTS_CONFIG, then ./stakebts.config.json if present. */
  path?: string | undefined;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Values that win over file and env (CLI flags, tests). */
  overrides?: Record<string, unknown>;
};

/** Environment overrides: the few keys a service manager commonly sets. */
const ENV_KEYS: Record<string, (v: string) => [string, unknown]> = {
  STAKEBTS_DB: (v) => ['db', v],
  STAKEBTS_NODES: (v) => [
    'nodes',
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ],
  STAKEBTS_BROKER: (v) => ['broker', v],
  STAKEBTS_CHAIN_ID: (v) => ['chainId', v],
  STAKEBTS_KEYSTORE: (v) => ['keystore', v],
  STAKEBTS_LOG_LEVEL: (v) => ['logLevel', v],
  STAKEBTS_START_BLOCK: (v) => ['startBlock', Number(v)],
};

/**
 * Loads and validates the configuration: defaults (RULES.md) ← file ← environment ← overrides.
 * Any problem is one BaseError('CONFIG_INVALID') whose message names the file and each bad key.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const explicit = options.path ?? (env.STAKEBTS_CONFIG || undefined);
  const file = explicit ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  let raw: Record<string, unknown> = {};
  if (file !== undefined) raw = readConfigFile(resolve(file));
  for (const [name, map] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      const [key, parsed] = map(value);
      raw[key] = parsed;
    }
  }
  Object.assign(raw, options.overrides ?? {});
  return parseConfig(raw, file);
}

/** Validates an already-read config object. */
export function parseConfig(raw: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(describeIssue);
    throw new BaseError('CONFIG_INVALID', `Invalid configuration in ${source}: ${problems.join('; ')}.`);
  }
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `${issue.keys.map((k) => (issue.path.length ? `${key}.${k}` : k)).join(', ')}: unknown key`;
  }
  return `${key}: ${issue.message}`;
}

function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new BaseError('CONFIG_INVALID', `The config file ${path} does not exist.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new BaseError('CONFIG_INVALID', `The config file ${path} is not valid JSON (${(err as Error).message}).`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BaseError('CONFIG_INVALID', `The config file ${path} must hold a JSON object.`);
  }
  return parsed as Record<string, unknown>;
}
