/**
 * cdk-nag's AwsSolutions pack, run as a CDK validation plugin at synth (cdk-nag v3), on the stack as the
 * CLI builds it, with and without a concrete environment, plus a control stack proving the checks ran.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { addOperatorStack, cdkJsonContext } from '../../infra/build.js';
import { placeholderCode } from '../../infra/code.js';
import type { Acknowledgement } from '../../infra/nag.js';

interface Violation {
  ruleName: string;
  severity: string;
  violatingConstructs: { constructPath: string }[];
}

describe('cdk-nag AwsSolutions checks', () => {
  let violations: Violation[];
  let acknowledgements: Acknowledgement[];
  let stack: Stack;

  beforeAll(() => {
    // Prepare: the operator stack as the CLI builds it, plus a control stack with an unacknowledged wildcard
    // that proves the checks run at all.
    const app = new App({
      context: { ...cdkJsonContext(), '@aws-cdk/core:failSynthOnValidationErrors': false },
      stackTraces: false,
      // CloudFormation schema validation is CDK's own check (slow); `cdk synth` runs it.
      builtinCloudFormationValidation: false,
    });
    ({ stack, acknowledgements } = addOperatorStack(app, { code: placeholderCode }));
    // As the CLI synthesizes it when credentials resolve: ARNs with a literal account and Region.
    addOperatorStack(app, {
      code: placeholderCode,
      stackName: 'WithEnv',
      env: { account: '123456789012', region: 'eu-central-1' },
      nag: false,
    });
    const control = new Stack(app, 'NagControl');
    new iam.Role(control, 'Wide', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::some-bucket/*'] }),
    );
    // Act
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8')) as {
      pluginReports: { pluginName: string; violations: Violation[] }[];
    };
    violations = report.pluginReports.filter((r) => r.pluginName === 'AwsSolutions').flatMap((r) => r.violations);
  });

  const on = (prefix: string) =>
    violations.filter((v) => v.violatingConstructs.some((c) => c.constructPath.startsWith(`${prefix}/`)));

  it.each(['KafkaPlaygroundOperator', 'WithEnv'])(
    'finds no unacknowledged AwsSolutions error or warning in %s',
    (name) => {
      // Act
      const found = on(name).map(
        (v) => `${v.severity} ${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
      );
      // Assess
      expect(found).toEqual([]);
      expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toHaveLength(0);
    },
  );

  it('does report an unacknowledged wildcard (the checks ran)', () => {
    // Assess
    expect(on('NagControl').map((v) => v.ruleName)).toContain(
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::some-bucket/*]',
    );
  });

  it('acknowledges one finding at a time, each with its own reason', () => {
    // Act
    const keys = acknowledgements.map((a) => `${a.path} ${a.id}`);
    // Assess
    expect(new Set(keys).size).toBe(keys.length);
    for (const a of acknowledgements) {
      expect(a.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(a.reason.length, a.id).toBeGreaterThan(40);
    }
    expect(acknowledgements.filter((a) => a.id.startsWith('AwsSolutions-IAM5[Action::'))).toEqual([]);
  });
});
