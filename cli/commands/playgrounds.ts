/**
 * Document verbs: `apply -f FILE`, `get [NAME]`, `describe NAME`, `delete NAME [--wait]`, `plan -f FILE`.
 * `plan` exits like `terraform plan -detailed-exitcode`: 0 no changes, 1 error, 2 changes.
 */
import { type Command, Option } from 'commander';
import { stringify } from 'yaml';
import { summarize } from '../../reconcilers/engine/planner.js';
import { errorMessage } from '../../lib/errors.js';
import { CliError, durationOption, readPlayground, withTarget, withTargetOptions } from '../common.js';
import { type CliIo, colorsFor, EXIT, processIo, writeJson } from '../output.js';
import { describePlayground, playgroundTable, renderPlan } from '../render.js';
import { renderPreflight } from '../render-preflight.js';
import { summarize as summarizePlayground, watchHeader, watchRow, wideTable } from '../summary.js';
import type { TargetOptions } from '../targets.js';
import { poll } from '../watch.js';

type Opts = TargetOptions & {
  file?: string;
  output?: string;
  wait?: boolean;
  timeout?: string;
  watch?: boolean;
  interval?: string;
};

export function register(program: Command, io: CliIo = processIo()): void {
  withTargetOptions(
    program
      .command('apply')
      .description('create or update a playground from a document')
      .requiredOption('-f, --file <path>', 'YAML or JSON; "-" reads stdin'),
  ).action(async (opts: Opts) => {
    const doc = await readPlayground(io, 'apply', opts.file ?? '');
    if (!doc) return;
    await withTarget(io, 'apply', opts, async (t) => {
      const r = await t.apply(doc);
      const verb = r.created ? 'created' : r.specChanged ? 'configured' : 'unchanged';
      io.stdout.write(`playground/${doc.metadata.name} ${verb} (generation ${r.document.metadata.generation})\n`);
    });
  });

  withTargetOptions(
    program
      .command('get [name]')
      .description('list playgrounds, or show one; -w watches and prints what changes')
      .addOption(
        new Option('-o, --output <format>').choices(['table', 'wide', 'name', 'json', 'yaml']).default('table'),
      )
      .option('-w, --watch', 'after the first listing, print each playground again whenever it changes')
      .option('--timeout <duration>', 'with -w: stop watching after this long (default: until Ctrl-C)')
      .option('--interval <duration>', 'with -w: how often to look', '2s'),
  ).action(async (name: string | undefined, opts: Opts) => {
    if (opts.watch) {
      await watch(io, name, opts);
      return;
    }
    await withTarget(io, 'get', opts, async (t) => {
      const docs = name ? [await t.get(name)].filter((d) => d !== undefined) : await t.list();
      if (name && docs.length === 0) {
        io.stderr.write(`error: kpo get: no playground named '${name}'\n`);
        io.exitCode = EXIT.invalid;
        return;
      }
      const value = name ? docs[0] : { items: docs };
      const c = colorsFor(io.stdout, io.env);
      if (opts.output === 'json') writeJson(io.stdout, value);
      else if (opts.output === 'yaml') io.stdout.write(stringify(value));
      else if (opts.output === 'name') for (const d of docs) io.stdout.write(`playground/${d.metadata.name}\n`);
      else if (docs.length === 0) io.stdout.write('no playgrounds\n');
      else if (opts.output === 'wide') io.stdout.write(wideTable(docs, t.now(), c));
      else io.stdout.write(playgroundTable(docs, t.now(), c));
    });
  });

  withTargetOptions(
    program.command('describe <name>').description('conditions, resources, endpoints, events and a cost estimate'),
  ).action(async (name: string, opts: Opts) => {
    await withTarget(io, 'describe', opts, async (t) => {
      const doc = await t.get(name);
      if (!doc) {
        io.stderr.write(`error: kpo describe: no playground named '${name}'\n`);
        io.exitCode = EXIT.invalid;
        return;
      }
      io.stdout.write(describePlayground(doc, t.now(), colorsFor(io.stdout, io.env)));
    });
  });

  withTargetOptions(
    program
      .command('delete <name>')
      .description('delete a playground: its resources are torn down in dependency order')
      .option('--wait', 'wait until everything it owned is gone (local: advances the virtual clock)')
      .option('--timeout <duration>', 'how long to wait', '3h'),
  ).action(async (name: string, opts: Opts) => {
    await withTarget(io, 'delete', opts, async (t) => {
      await t.markForDeletion(name);
      io.stdout.write(`playground/${name} deletion requested\n`);
      if (!opts.wait) return;
      const timeout = durationOption(opts.timeout, 3 * 3_600_000);
      if (t.world) {
        const r = await t.world.reconcileUntil(
          name,
          (x) => x.outcome === 'deleted' || x.outcome === 'not-found',
          timeout,
        );
        if (r?.outcome !== 'deleted' && r?.outcome !== 'not-found')
          throw new CliError(`still deleting after ${opts.timeout}`);
      } else {
        const until = Date.now() + timeout;
        while ((await t.get(name)) !== undefined) {
          if (Date.now() > until) throw new CliError(`still deleting after ${opts.timeout}`);
          await new Promise((r) => setTimeout(r, 10_000));
        }
      }
      io.stdout.write(`playground/${name} deleted: nothing it owned remains\n`);
    });
  });

  withTargetOptions(
    program
      .command('plan')
      .description('dry run: what applying the document would create, change and delete')
      .requiredOption('-f, --file <path>', 'YAML or JSON; "-" reads stdin')
      .addOption(new Option('-o, --output <format>').choices(['text', 'json']).default('text'))
      .addHelpText(
        'after',
        '\nExit status: 0 no changes, 1 error (an invalid document, or a network preflight error), 2 changes (like terraform plan -detailed-exitcode).',
      ),
  ).action(planAction(io, 'plan'));

  withTargetOptions(
    program
      .command('diff')
      .description('what applying the document would change (an alias of plan, with the same exit status)')
      .requiredOption('-f, --file <path>', 'YAML or JSON; "-" reads stdin')
      .addOption(new Option('-o, --output <format>').choices(['text', 'json']).default('text'))
      .addHelpText('after', '\nExit status: 0 no changes, 1 error, 2 changes.'),
  ).action(planAction(io, 'diff'));
}

function planAction(io: CliIo, verb: string) {
  return async (opts: Opts) => {
    const doc = await readPlayground(io, verb, opts.file ?? '');
    if (!doc) return;
    await withTarget(io, verb, opts, async (t) => {
      const { steps, errors, preflight } = await t.plan(doc);
      if (errors.length > 0) {
        for (const e of errors) io.stderr.write(`ERROR ${e.path} ${e.message} (${e.code})\n`);
        io.exitCode = EXIT.invalid;
        return;
      }
      const summary = summarize(steps);
      const changes = summary.create + summary.update + summary.replace + summary.delete;
      const preflightFailed = preflight.some((p) => p.severity === 'error');
      if (opts.output === 'json') writeJson(io.stdout, { changed: changes > 0, summary, steps, preflight });
      else {
        const c = colorsFor(io.stdout, io.env);
        io.stdout.write(renderPreflight(preflight, c));
        io.stdout.write(renderPlan(steps, c));
        io.stdout.write(
          preflightFailed
            ? `Plan: blocked by the network preflight (${summary.blocked} step(s) wait for the network to be fixed).\n`
            : changes > 0
              ? `Plan: ${summary.create} to create, ${summary.update} to change, ${summary.replace} to replace, ${summary.delete} to delete${summary.blocked ? ` (${summary.blocked} more after them)` : ''}.\n`
              : 'No changes. The playground matches the document.\n',
        );
      }
      // A network that cannot carry the playground is an error, like an invalid document.
      io.exitCode = preflightFailed ? EXIT.invalid : changes > 0 ? 2 : EXIT.ok;
    });
  };
}

/** `get -w`: the table once, then a row whenever a playground changes (a `deleted` row when it goes). */
async function watch(io: CliIo, name: string | undefined, opts: Opts): Promise<void> {
  let timeoutMs: number | undefined;
  let intervalMs: number;
  try {
    timeoutMs = opts.timeout ? durationOption(opts.timeout, 0) : undefined;
    intervalMs = durationOption(opts.interval, 2000);
  } catch (err) {
    io.stderr.write(`error: kpo get: ${errorMessage(err)}\n`);
    io.exitCode = EXIT.usage;
    return;
  }
  const c = colorsFor(io.stdout, io.env);
  const seen = new Map<string, string>();
  let first = true;
  try {
    await poll(io, opts, { intervalMs, timeoutMs }, async (t) => {
      const docs = name ? [await t.get(name)].filter((d) => d !== undefined) : await t.list();
      const now = t.now();
      if (first) io.stdout.write(`${watchHeader()}\n`);
      first = false;
      const present = new Set<string>();
      for (const d of docs) {
        present.add(d.metadata.name);
        const row = watchRow(summarizePlayground(d, now), c);
        // AGE and TTL move on their own: a change is anything else.
        const key = watchRow({ ...summarizePlayground(d, now), age: '', ttlLeft: '' }, c);
        if (seen.get(d.metadata.name) !== key) io.stdout.write(`${row}\n`);
        seen.set(d.metadata.name, key);
      }
      for (const gone of [...seen.keys()].filter((n) => !present.has(n))) {
        io.stdout.write(`${gone.padEnd(24)} ${c.dim('deleted')}\n`);
        seen.delete(gone);
      }
      return false;
    });
  } catch (err) {
    io.stderr.write(`error: kpo get: ${errorMessage(err)}\n`);
    io.exitCode = EXIT.invalid;
  }
}
