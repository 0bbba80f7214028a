/**
 * The `kpo` command line. Each verb lives in `cli/commands/<verb>.ts` and exports `register(program, io)`;
 * add a new one to COMMANDS below. Usage errors exit with 2, the commands decide 0/1 themselves.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { errorMessage } from '../lib/errors.js';
import * as completion from './commands/completion.js';
import * as config from './commands/config.js';
import * as dashboard from './commands/dashboard.js';
import * as local from './commands/local.js';
import * as observe from './commands/observe.js';
import * as operate from './commands/operate.js';
import * as playgrounds from './commands/playgrounds.js';
import * as validate from './commands/validate.js';
import { type CliIo, EXIT, processIo } from './output.js';

// The SDK warns about the Node version when a client is created (not when imported), so this is early enough.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface CommandModule {
  register(program: Command, io: CliIo): void;
}

export const COMMANDS: readonly CommandModule[] = [
  playgrounds,
  operate,
  validate,
  local,
  observe,
  config,
  completion,
  dashboard,
];

export function buildProgram(io: CliIo): Command {
  const program = new Command('kpo')
    .description(
      'Kafka playground operator: describe a Kafka playground in a document, and the operator builds it on AWS',
    )
    .showHelpAfterError('(run kpo help <command> for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();
  for (const command of COMMANDS) command.register(program, io);
  return program;
}

/** Runs the CLI with `argv` as in `process.argv` and returns the exit code. */
export async function main(argv: readonly string[] = process.argv, io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return io.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    io.stderr.write(`error: ${errorMessage(err)}\n`);
    return EXIT.usage;
  }
}

function invokedDirectly(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) process.exitCode = await main();
