/**
 * `config set-target (--api URL | --table NAME | --local [DIR]) [--region R]`, `config view`,
 * `config unset-target`: the default target every target-using command falls back to.
 */
import type { Command } from 'commander';
import { type CliConfig, configPath, describeTarget, readCliConfig, writeCliConfig } from '../config.js';
import { type CliIo, processIo, usageError, writeJson } from '../output.js';
import type { TargetOptions } from '../targets.js';

export function register(program: Command, io: CliIo = processIo()): void {
  const config = program
    .command('config')
    .description(`the default target, kept in a small file (${'$'}KPO_CONFIG or ~/.config/kpo/config.json)`);

  config
    .command('set-target')
    .description('make one target the default for every command')
    .option('--local [dir]', 'the local simulated cloud (DIR defaults to .kpo)')
    .option('--table <name>', 'the DynamoDB table of a deployment')
    .option('--api <url>', 'a deployed API')
    .option('--region <region>', 'AWS region for --table and --api')
    .action(async (opts: TargetOptions) => {
      const chosen = [opts.local !== undefined, !!opts.table, !!opts.api].filter(Boolean).length;
      if (chosen !== 1) {
        usageError(io, 'config set-target', 'name exactly one of --local [DIR], --table NAME, --api URL');
        return;
      }
      if (opts.api) {
        try {
          new URL(opts.api);
        } catch {
          usageError(io, 'config set-target', `'${opts.api}' is not a URL`);
          return;
        }
      }
      const current = await readCliConfig(io.env);
      const target: NonNullable<CliConfig['target']> = opts.api
        ? { api: opts.api }
        : opts.table
          ? { table: opts.table }
          : { local: typeof opts.local === 'string' ? opts.local : true };
      if (opts.region) target.region = opts.region;
      const file = await writeCliConfig(io.env, { ...current, target });
      io.stdout.write(`default target: ${describeTarget(target)} (saved in ${file})\n`);
    });

  config
    .command('view')
    .description('the configured default target and where it is kept')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (opts: { output?: string }) => {
      const current = await readCliConfig(io.env);
      if (opts.output === 'json') {
        writeJson(io.stdout, { file: configPath(io.env), ...current });
        return;
      }
      io.stdout.write(`file:   ${configPath(io.env)}\n`);
      io.stdout.write(
        `target: ${current.target ? describeTarget(current.target) : 'none (commands use --local .kpo unless told)'}\n`,
      );
    });

  config
    .command('unset-target')
    .description('forget the default target (commands go back to --local)')
    .action(async () => {
      const { target: _gone, ...rest } = await readCliConfig(io.env);
      await writeCliConfig(io.env, rest);
      io.stdout.write('default target removed\n');
    });
}
