/**
 * The CLI's own settings, like a kubeconfig context: a default target so `--api`/`--table` need not be typed
 * each time. Kept as JSON in `$KPO_CONFIG`, else `$XDG_CONFIG_HOME/kpo/config.json`, else
 * `~/.config/kpo/config.json`. A flag on the command line always wins over the file.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigurationError } from '../lib/errors.js';
import type { TargetOptions } from './targets.js';

export interface CliConfig {
  target?: { local?: string | true; table?: string; api?: string; region?: string };
}

type Env = Readonly<Record<string, string | undefined>>;

export function configPath(env: Env): string {
  if (env.KPO_CONFIG) return env.KPO_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'kpo', 'config.json');
}

export async function readCliConfig(env: Env): Promise<CliConfig> {
  const file = configPath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as CliConfig) : {};
  } catch (err) {
    throw new ConfigurationError(`the kpo config file ${file} is not JSON`, {
      cause: err,
      hint: "fix it, or run 'kpo config unset-target' to start afresh",
    });
  }
}

export async function writeCliConfig(env: Env, config: CliConfig): Promise<string> {
  const file = configPath(env);
  await mkdir(dirname(file), { recursive: true });
  if (Object.keys(config).length === 0) {
    await rm(file, { force: true });
    return file;
  }
  await writeFile(`${file}.tmp`, `${JSON.stringify(config, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
  return file;
}

/** The flags given, or else the configured default target (flags for one target ignore the file). */
export async function resolveTargetOptions(opts: TargetOptions, env: Env): Promise<TargetOptions> {
  if (opts.local !== undefined || opts.table || opts.api) return opts;
  const t = (await readCliConfig(env)).target;
  if (!t) return opts;
  return {
    ...(t.local !== undefined ? { local: t.local } : {}),
    ...(t.table ? { table: t.table } : {}),
    ...(t.api ? { api: t.api } : {}),
    ...(opts.region ? { region: opts.region } : t.region ? { region: t.region } : {}),
  };
}

export function describeTarget(opts: TargetOptions): string {
  if (opts.api) return `api ${opts.api}${opts.region ? ` (${opts.region})` : ''}`;
  if (opts.table) return `table ${opts.table}${opts.region ? ` (${opts.region})` : ''}`;
  return `local ${typeof opts.local === 'string' ? opts.local : '.kpo'}`;
}

/** The local world's directory from `--local DIR`, else from a local default target, else undefined (.kpo). */
export async function localDir(flag: string | boolean | undefined, env: Env): Promise<string | undefined> {
  if (typeof flag === 'string') return flag;
  if (flag === true) return undefined;
  const t = (await readCliConfig(env)).target;
  return t && !t.api && !t.table && typeof t.local === 'string' ? t.local : undefined;
}
