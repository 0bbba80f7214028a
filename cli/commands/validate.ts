/**
 * `kpo validate -f FILE [-o text|json]`: checks a Playground document offline and lists every problem.
 * Exit 0 valid, 1 invalid (including text that is not YAML/JSON), 2 usage error or a file that cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { errorMessage } from '../../lib/errors.js';
import { validateText } from '../../schemas/validate-text.js';
import {
  type CliIo,
  colorsFor,
  EXIT,
  OUTPUT_FORMATS,
  type OutputFormat,
  processIo,
  renderIssues,
  usageError,
  writeJson,
} from '../output.js';

export interface ValidateOptions {
  file: string;
  output: OutputFormat;
}

export async function readStdin(io: CliIo): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export function describeReadError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return errorMessage(err);
}

export async function runValidate(opts: ValidateOptions, io: CliIo): Promise<void> {
  const fromStdin = opts.file === '-';
  const source = fromStdin ? '<stdin>' : opts.file;
  let bytes: Uint8Array;
  try {
    bytes = fromStdin ? await readStdin(io) : await readFile(resolve(io.cwd, opts.file));
  } catch (err) {
    usageError(io, 'validate', `cannot read ${source}: ${describeReadError(err)}`);
    return;
  }
  const result = validateText(bytes);
  io.exitCode = result.valid ? EXIT.ok : EXIT.invalid;
  if (opts.output === 'json') {
    writeJson(io.stdout, { valid: result.valid, errors: result.errors, warnings: result.warnings });
  } else {
    io.stdout.write(renderIssues(result, source, colorsFor(io.stdout, io.env)));
  }
}

export function register(program: Command, io: CliIo = processIo()): void {
  program
    .command('validate')
    .description('check a Playground document (YAML or JSON) offline and list every problem')
    .requiredOption('-f, --file <path>', 'the document to check; "-" reads standard input')
    .addOption(new Option('-o, --output <format>', 'how to print the result').choices(OUTPUT_FORMATS).default('text'))
    .addHelpText(
      'after',
      '\nExit status: 0 valid, 1 invalid (every problem is listed), 2 bad usage or a file that cannot be read.',
    )
    .action(async (opts: ValidateOptions) => {
      await runValidate(opts, io);
    });
}
