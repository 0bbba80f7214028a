/**
 * Shared CLI plumbing: the streams a command talks to, exit codes, colours (off for NO_COLOR and for
 * output that is not a terminal, https://no-color.org) and the rendering of validation problems.
 */
import pc from 'picocolors';
import type { ValidationIssue } from '../lib/errors.js';

export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** What a command reads from and writes to; tests may pass their own. */
export interface CliIo {
  stdin: AsyncIterable<Uint8Array | string>;
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Set by the command; what the process exits with. */
  exitCode: number;
}

export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    exitCode: EXIT.ok,
  };
}

export type Colors = ReturnType<typeof pc.createColors>;

/** Colours only for a terminal, never with NO_COLOR set (non-empty); FORCE_COLOR turns them on. */
export function colorsFor(stream: OutputStream, env: CliIo['env']): Colors {
  const noColor = (env.NO_COLOR ?? '') !== '';
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return pc.createColors(!noColor && (force || stream.isTTY === true));
}

export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A usage problem (bad flags, unreadable file): to stderr, exit code 2. */
export function usageError(io: CliIo, command: string, message: string): void {
  const c = colorsFor(io.stderr, io.env);
  io.stderr.write(`${c.red('error:')} kpo ${command}: ${message}\n`);
  io.exitCode = EXIT.usage;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export interface IssueReport {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/** `ERROR  /path  message (Code)` per problem, errors first, then a one-line summary. */
export function renderIssues(report: IssueReport, source: string, c: Colors): string {
  const rows = [
    ...report.errors.map((issue) => ({ issue, label: c.bold(c.red('ERROR')) })),
    ...report.warnings.map((issue) => ({ issue, label: c.bold(c.yellow('WARN ')) })),
  ];
  const width = Math.max(0, ...rows.map((r) => (r.issue.path || '/').length));
  const lines = rows.map(
    ({ issue, label }) =>
      `${label}  ${c.cyan((issue.path || '/').padEnd(width))}  ${issue.message} ${c.dim(`(${issue.code})`)}`,
  );
  const counts = [plural(report.errors.length, 'error'), plural(report.warnings.length, 'warning')].join(', ');
  const summary = report.valid
    ? `${c.green('valid')}: ${source}${report.warnings.length > 0 ? ` (${counts})` : ''}`
    : `${c.red('invalid')}: ${source} (${counts})`;
  return `${[...lines, ...(lines.length > 0 ? [''] : []), summary].join('\n')}\n`;
}
