/** What the target-using commands share: the target flags, reading a document, running with cleanup. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { errorMessage, KpoError } from '../lib/errors.js';
import { parseDuration } from '../schemas/duration.js';
import type { Playground } from '../schemas/playground.js';
import { validateText } from '../schemas/validate-text.js';
import { resolveTargetOptions } from './config.js';
import { describeReadError, readStdin } from './commands/validate.js';
import { type CliIo, colorsFor, EXIT, renderIssues, usageError } from './output.js';
import { openTarget, type Target, type TargetOptions } from './targets.js';

export function withTargetOptions(cmd: Command): Command {
  return cmd
    .option('--local [dir]', 'the local simulated cloud and store kept in DIR (default target; DIR defaults to .kpo)')
    .option('--table <name>', 'the DynamoDB table of a deployment (uses your AWS credentials)')
    .option('--api <url>', 'a deployed API (requests are SigV4-signed with your AWS credentials)')
    .option('--region <region>', 'AWS region for --table and --api');
}

/** Opens the target, runs `fn`, always saves/closes; typed errors become one clear line on stderr. */
export async function withTarget(
  io: CliIo,
  verb: string,
  opts: TargetOptions,
  fn: (t: Target) => Promise<void>,
): Promise<void> {
  let target: Target | undefined;
  try {
    target = await openTarget(await resolveTargetOptions(opts, io.env));
    await fn(target);
  } catch (err) {
    const c = colorsFor(io.stderr, io.env);
    const hint = err instanceof KpoError && err.hint ? `\n  ${c.dim(err.hint)}` : '';
    io.stderr.write(`${c.red('error:')} kpo ${verb}: ${errorMessage(err)}${hint}\n`);
    if (io.exitCode === EXIT.ok) io.exitCode = EXIT.invalid;
  } finally {
    await target?.close();
  }
}

/** Reads and validates `-f FILE` (or stdin); undefined after reporting when it is unreadable or invalid. */
export async function readPlayground(io: CliIo, verb: string, file: string): Promise<Playground | undefined> {
  const source = file === '-' ? '<stdin>' : file;
  let bytes: Uint8Array;
  try {
    bytes = file === '-' ? await readStdin(io) : await readFile(resolve(io.cwd, file));
  } catch (err) {
    usageError(io, verb, `cannot read ${source}: ${describeReadError(err)}`);
    return undefined;
  }
  const result = validateText(bytes);
  if (!result.valid || !result.document) {
    io.stderr.write(renderIssues(result, source, colorsFor(io.stderr, io.env)));
    io.exitCode = EXIT.invalid;
    return undefined;
  }
  if (result.warnings.length > 0) io.stderr.write(renderIssues(result, source, colorsFor(io.stderr, io.env)));
  return result.document;
}

export function durationOption(text: string | undefined, fallbackMs: number): number {
  if (!text) return fallbackMs;
  const ms = parseDuration(text);
  if (ms === undefined) throw new CliError(`'${text}' is not a duration like 30m, 2h or 1d`);
  return ms;
}

/** A command could not do what was asked (timeout, not found, not available on this target). */
export class CliError extends KpoError {
  readonly code = 'CommandFailed';
}
