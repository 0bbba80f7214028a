/**
 * CDK entry point (`npx cdk synth|deploy`, see cdk.json). Needs the Lambda bundles from `npm run bundle`;
 * runs offline: no lookups, the environment comes from CDK_DEFAULT_ACCOUNT/REGION when the CLI knows them.
 */
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { KpoError } from '../lib/errors.js';
import { addOperatorStack, DEFAULT_STACK_NAME } from './build.js';
import { bundledCode, REPO_ROOT } from './code.js';

const app = new App();
try {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  // `-c bundleDir=<dir>` reads the bundles from elsewhere than dist/ (what `npm run bundle` writes).
  const bundleDir: unknown = app.node.tryGetContext('bundleDir');
  const stackName: unknown = app.node.tryGetContext('stackName');
  addOperatorStack(app, {
    code: bundledCode(bundleDir ? resolve(REPO_ROOT, String(bundleDir)) : undefined),
    stackName: stackName ? String(stackName) : DEFAULT_STACK_NAME,
    ...(account || region ? { env: { ...(account ? { account } : {}), ...(region ? { region } : {}) } } : {}),
  });
  app.synth();
} catch (err) {
  if (!(err instanceof KpoError)) throw err;
  console.error(`\n${err.message}${err.hint ? `\n→ ${err.hint}` : ''}\n`);
  process.exit(1);
}
