/**
 * Where each Lambda function's code comes from. A deployable app uses the esbuild bundles that
 * `npm run bundle` writes to `dist/<name>/index.mjs`; when one is missing, synth stops with a message
 * saying so instead of packaging something else. Tests pass their own `CodeFor` (inline stand-ins) so
 * they never depend on a build.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConfigurationError } from '../lib/errors.js';

export const FUNCTION_NAMES = [
  'api',
  'reconcile-scheduled',
  'reconcile-worker',
  'reconcile-stream',
  'self-heal',
  'gc',
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];

export type CodeFor = (name: FunctionName) => lambda.Code;

/** Handler inside each bundle: `index.mjs` exports `handler`. */
export const HANDLER = 'index.handler';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

export function missingBundles(bundleDir: string): FunctionName[] {
  return FUNCTION_NAMES.filter((name) => !existsSync(join(bundleDir, name, 'index.mjs')));
}

/** Code from `<bundleDir>/<name>/`; throws, naming every missing bundle, before any asset is staged. */
export function bundledCode(bundleDir: string = join(REPO_ROOT, 'dist')): CodeFor {
  const missing = missingBundles(bundleDir);
  if (missing.length > 0) {
    throw new ConfigurationError(
      `the Lambda bundles are missing for: ${missing.join(', ')} (looked for ${missing
        .map((n) => join(bundleDir, n, 'index.mjs'))
        .join(', ')})`,
      { hint: 'run `npm run bundle` first, then `npx cdk synth` / `npx cdk deploy` again' },
    );
  }
  return (name) => lambda.Code.fromAsset(join(bundleDir, name));
}

/** Test-only stand-in code: a handler that refuses to run, so it can never pass for the real thing. */
export const placeholderCode: CodeFor = (name) =>
  lambda.Code.fromInline(
    `exports.handler = async () => { throw new Error('placeholder for ${name}: deploy the bundles from npm run bundle'); };`,
  );
