/**
 * Document verbs: `apply -f FILE`, `get [NAME]`, `describe NAME`, `delete NAME [--wait]`, `plan -f FILE`.
 * `plan` exits like `terraform plan -detailed-exitcode`: 0 no changes, 1 error, 2 changes.
 */
import { type Command, Option } from 'commander';
import { stringify } from 'yaml';
import { summarize } from '../../reconcilers/engine/planner.js';
import { CliError, durationOption, readPlayground, withTarget, withTargetOptions } from '../common.js';
import { type CliIo, colorsFor, EXIT, processIo, writeJson } from '../output.js';
import { describePlayground, playgroundTable, renderPlan } from '../render.js';
import { renderPreflight } from '../render-preflight.js';
import type { TargetOptions } from '../targets.js';

type Opts = TargetOptions & { file?: string; output?: string; wait?: boolean; timeout?: string };

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
      .description('list playgrounds, or show one')
      .addOption(new Option('-o, --output <format>').choices(['table', 'json', 'yaml']).default('table')),
  ).action(async (name: string | undefined, opts: Opts) => {
    await withTarget(io, 'get', opts, async (t) => {
      const docs = name ? [await t.get(name)].filter((d) => d !== undefined) : await t.list();
      if (name && docs.length === 0) {
        io.stderr.write(`error: kpo get: no playground named '${name}'\n`);
        io.exitCode = EXIT.invalid;
        return;
      }
      const value = name ? docs[0] : { items: docs };
      if (opts.output === 'json') writeJson(io.stdout, value);
      else if (opts.output === 'yaml') io.stdout.write(stringify(value));
      else
        io.stdout.write(
          docs.length > 0 ? playgroundTable(docs, t.now(), colorsFor(io.stdout, io.env)) : 'no playgrounds\n',
        );
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
  ).action(async (opts: Opts) => {
    const doc = await readPlayground(io, 'plan', opts.file ?? '');
    if (!doc) return;
    await withTarget(io, 'plan', opts, async (t) => {
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
  });
}
