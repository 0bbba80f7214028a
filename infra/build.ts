/**
 * Puts the operator stack into an app with its cdk-nag acknowledgements and the AwsSolutions checks
 * (cdk-nag v3: a CDK policy-validation plugin, run at synth). Shared by infra/app.ts and the tests, so
 * both check the same thing; `cdkJsonContext` is what the CLI passes from cdk.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type CodeFor, REPO_ROOT } from './code.js';
import { type Acknowledgement, applyNagSuppressions } from './nag.js';
import { OperatorStack } from './operator-stack.js';

export const DEFAULT_STACK_NAME = 'KafkaPlaygroundOperator';

export interface OperatorAppOptions {
  code: CodeFor;
  stackName?: string;
  env?: Environment;
  schemaFile?: string;
  /** Run the AwsSolutions checks at synth (default true). */
  nag?: boolean;
}

export function addOperatorStack(
  app: App,
  o: OperatorAppOptions,
): { stack: OperatorStack; acknowledgements: Acknowledgement[] } {
  const stack = new OperatorStack(app, o.stackName ?? DEFAULT_STACK_NAME, {
    description:
      'kafka-playground-operator: reconciles Kafka playgrounds (MSK, ECS, Cloud Map, ALB) from DynamoDB documents',
    code: o.code,
    ...(o.env ? { env: o.env } : {}),
    ...(o.schemaFile === undefined ? {} : { schemaFile: o.schemaFile }),
  });
  const acknowledgements = applyNagSuppressions(stack);
  if (o.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { stack, acknowledgements };
}

/** The `context` of cdk.json: the settings' defaults and the feature flags the CLI applies. */
export function cdkJsonContext(file: string = join(REPO_ROOT, 'cdk.json')): Record<string, unknown> {
  return (JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}
