/**
 * Verbs kubectl users reach for first: `wait NAME --for=condition=Ready --timeout=D` (exit 0 when met, 1 on
 * timeout, 2 for a bad --for), `events [NAME]` (the status events, oldest first) and `explain PATH` (a
 * document field from the schema).
 */
import type { Command } from 'commander';
import { errorMessage } from '../../lib/errors.js';
import type { Playground } from '../../schemas/playground.js';
import { durationOption, withTarget, withTargetOptions } from '../common.js';
import { explain, renderExplanation } from '../explain.js';
import { type CliIo, colorsFor, EXIT, processIo, usageError, writeJson } from '../output.js';
import type { TargetOptions } from '../targets.js';
import { parseWaitFor, poll, type WaitFor } from '../watch.js';

type Opts = TargetOptions & { for?: string; timeout?: string; interval?: string; output?: string };

function met(doc: Playground | undefined, f: WaitFor): boolean {
  if (f.kind === 'delete') return doc === undefined;
  if (!doc) return false;
  if (f.kind === 'phase') return doc.status?.phase === f.phase;
  const c = doc.status?.conditions?.find((x) => x.type === f.type);
  // A condition describes the document only once it has caught up with the latest generation.
  return c?.status === f.status && (doc.status?.observedGeneration ?? 0) >= (doc.metadata.generation ?? 0);
}

export function register(program: Command, io: CliIo = processIo()): void {
  withTargetOptions(
    program
      .command('wait <name>')
      .description('wait until a playground meets a condition (exit 0), or time out (exit 1)')
      .requiredOption('--for <what>', 'condition=TYPE[=STATUS] (e.g. condition=Ready), phase=PHASE or delete')
      .option('--timeout <duration>', 'give up after this long (wall time)', '30m')
      .option('--interval <duration>', 'how often to look', '2s'),
  ).action(async (name: string, opts: Opts) => {
    let f: WaitFor;
    let timeoutMs: number;
    let intervalMs: number;
    try {
      f = parseWaitFor(opts.for ?? '');
      timeoutMs = durationOption(opts.timeout, 30 * 60_000);
      intervalMs = durationOption(opts.interval, 2000);
    } catch (err) {
      usageError(io, 'wait', errorMessage(err));
      return;
    }
    let last: Playground | undefined;
    let seen = false;
    try {
      const end = await poll(io, opts, { intervalMs, timeoutMs }, async (t) => {
        last = await t.get(name);
        seen ||= last !== undefined;
        return met(last, f);
      });
      if (end === 'done') {
        io.stdout.write(`playground/${name} ${f.kind === 'delete' ? 'deleted' : `condition met (${opts.for})`}\n`);
        return;
      }
      const why = !seen && f.kind !== 'delete' ? `no playground named '${name}'` : describeState(last);
      io.stderr.write(
        `error: kpo wait: timed out waiting for playground/${name} (${opts.for}) after ${opts.timeout}: ${why}\n`,
      );
      io.exitCode = EXIT.invalid;
    } catch (err) {
      io.stderr.write(`error: kpo wait: ${errorMessage(err)}\n`);
      io.exitCode = EXIT.invalid;
    }
  });

  withTargetOptions(
    program
      .command('events [name]')
      .description('the events of one playground, or of all, oldest first')
      .option('-o, --output <format>', 'table or json', 'table'),
  ).action(async (name: string | undefined, opts: Opts) => {
    await withTarget(io, 'events', opts, async (t) => {
      const docs = name ? [await t.get(name)].filter((d) => d !== undefined) : await t.list();
      if (name && docs.length === 0) {
        io.stderr.write(`error: kpo events: no playground named '${name}'\n`);
        io.exitCode = EXIT.invalid;
        return;
      }
      const rows = docs
        .flatMap((d) => (d.status?.events ?? []).map((e) => ({ playground: d.metadata.name, ...e })))
        .sort((a, b) => a.time.localeCompare(b.time));
      if (opts.output === 'json') {
        writeJson(io.stdout, { items: rows });
        return;
      }
      if (rows.length === 0) {
        io.stdout.write('no events\n');
        return;
      }
      const c = colorsFor(io.stdout, io.env);
      const width = Math.max(10, ...rows.map((r) => r.playground.length));
      io.stdout.write(`${'TIME'.padEnd(24)} ${name ? '' : `${'PLAYGROUND'.padEnd(width)} `}TYPE     REASON  MESSAGE\n`);
      for (const r of rows)
        io.stdout.write(
          `${r.time.padEnd(24)} ${name ? '' : `${r.playground.padEnd(width)} `}${(r.type === 'Warning' ? c.yellow : String)(r.type.padEnd(8))} ${r.reason}  ${r.message}\n`,
        );
    });
  });

  program
    .command('explain <path>')
    .description('a document field from the schema: type, default, description and its fields (e.g. spec.kafka.msk)')
    .option('-o, --output <format>', 'text or json', 'text')
    .action((path: string, opts: { output?: string }) => {
      const e = explain(path);
      if ('missing' in e) {
        io.stderr.write(
          `error: kpo explain: field '${e.missing}' does not exist in ${e.at}${e.choices.length ? ` (fields: ${e.choices.join(', ')})` : ''}\n`,
        );
        io.exitCode = EXIT.invalid;
        return;
      }
      if (opts.output === 'json') writeJson(io.stdout, e);
      else io.stdout.write(renderExplanation(e));
    });
}

function describeState(doc: Playground | undefined): string {
  if (!doc) return 'it is gone';
  const ready = doc.status?.conditions?.find((c) => c.type === 'Ready');
  return `phase ${doc.status?.phase ?? 'Pending'}${ready ? `, Ready ${ready.status} (${ready.reason}: ${ready.message})` : ''}`;
}
