/**
 * The operator stack's resources as CloudFormation sees them: the table, the functions, alarms, the
 * playground task role. One synth of the default configuration per file (CDK synth takes seconds).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, type FunctionName } from '../../infra/code.js';
import { FUNCTION_SPECS, MUTATORS } from '../../infra/functions.js';
import type { OperatorStack } from '../../infra/operator-stack.js';
import { playgroundTableInput } from '../../lib/store/table.js';
import { type Resources, synthOperator } from './fixture.js';

let stack: OperatorStack;
let template: Template;
let resources: Resources;
let idOf: (c: { node: { defaultChild?: unknown } }) => string;
beforeAll(() => {
  ({ stack, template, resources, idOf } = synthOperator());
});

const fnProps = (name: FunctionName) => resources[idOf(stack.functions.functions[name])]!.Properties;

describe('Playground table', () => {
  it('is keyed by name, on demand, with PITR, a NEW_AND_OLD_IMAGES stream, encryption and protection', () => {
    // Act
    const table = template.findResources('AWS::DynamoDB::Table');
    // Assess
    expect(Object.values(table)).toHaveLength(1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'name', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  it('matches the definition the store and local tooling create (lib/store/table.ts)', () => {
    // Prepare
    const input = playgroundTableInput('x');
    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: input.KeySchema,
      AttributeDefinitions: input.AttributeDefinitions,
      BillingMode: input.BillingMode,
      StreamSpecification: { StreamViewType: input.StreamSpecification?.StreamViewType },
    });
  });
});

describe('Lambda functions', () => {
  it.each(FUNCTION_NAMES)(
    '%s: Node.js 22 on arm64, index.handler, active tracing, its own role and log group',
    (name) => {
      // Act
      const p = fnProps(name);
      const spec = FUNCTION_SPECS[name];
      // Assess
      expect(p).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        Timeout: spec.timeout.toSeconds(),
        Role: { 'Fn::GetAtt': [idOf(stack.functions.roles[name]), 'Arn'] },
      });
      const logGroupId = (p.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    },
  );

  it('gives every function its own role and its own log group', () => {
    // Act
    const roles = FUNCTION_NAMES.map((n) => JSON.stringify(fnProps(n).Role));
    const logs = FUNCTION_NAMES.map((n) => JSON.stringify(fnProps(n).LoggingConfig));
    // Assess
    expect(new Set(roles).size).toBe(FUNCTION_NAMES.length);
    expect(new Set(logs).size).toBe(FUNCTION_NAMES.length);
  });

  it.each(FUNCTION_NAMES)('%s: has the shared environment', (name) => {
    // Act
    const env = (fnProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
    // Assess
    expect(env).toMatchObject({
      TABLE_NAME: { Ref: idOf(stack.table) },
      TASK_EXECUTION_ROLE_ARN: { 'Fn::GetAtt': [idOf(stack.taskExecutionRole), 'Arn'] },
      LOG_GROUP_NAME: { Ref: idOf(stack.taskLogGroup) },
      CONFIG_GRACE_MINUTES: '60',
      POWERTOOLS_SERVICE_NAME: 'kafka-playground-operator',
      POWERTOOLS_METRICS_NAMESPACE: 'KafkaPlaygroundOperator',
      MAX_WORKERS: '10',
      RESYNC_API_SHARE: '0.5',
      RESYNC_FLOOR_MINUTES: '5',
    });
    // No FLEET_SIZE by default: each container counts the table.
    expect('FLEET_SIZE' in env).toBe(false);
    expect('QUEUE_URL' in env).toBe(name === 'reconcile-scheduled' || name === 'reconcile-stream');
  });

  it('tells reconcile-scheduled the work queue and self-heal the operator roles to ignore', () => {
    // Act
    const scheduled = (fnProps('reconcile-scheduled').Environment as { Variables: Record<string, unknown> }).Variables;
    const heal = JSON.stringify(
      (fnProps('self-heal').Environment as { Variables: Record<string, unknown> }).Variables.OPERATOR_PRINCIPALS,
    );
    // Assess
    expect(scheduled.QUEUE_URL).toEqual({ Ref: idOf(stack.queues.work) });
    for (const n of MUTATORS) expect(heal).toContain(`{"Ref":"${idOf(stack.functions.roles[n])}"}`);
    expect(heal).toContain(':assumed-role/');
  });

  it('reserves concurrency 1 for the timers and 5 for self-heal only', () => {
    // Act
    const reserved = Object.fromEntries(FUNCTION_NAMES.map((n) => [n, fnProps(n).ReservedConcurrentExecutions]));
    // Assess
    expect(reserved).toEqual({
      api: undefined,
      'reconcile-scheduled': 1,
      'reconcile-worker': undefined,
      'reconcile-stream': undefined,
      'self-heal': 5,
      gc: 1,
    });
  });
});

describe('Alarms', () => {
  it('alarms on every function error, every DLQ message and stuck playgrounds, all to the topic', () => {
    // Act
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const topic = { Ref: idOf(stack.alarms.topic) };
    // Assess
    const errors = alarms.filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda');
    const dlq = alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(errors).toHaveLength(FUNCTION_NAMES.length);
    expect(dlq).toHaveLength(3);
    for (const a of [...errors, ...dlq])
      expect(a).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    for (const a of alarms) expect(a.AlarmActions).toEqual([topic]);
  });

  it('alarms when PlaygroundsStuck is above 0 for 3 periods of 5 minutes, with the Powertools service dimension', () => {
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'KafkaPlaygroundOperator',
      MetricName: 'PlaygroundsStuck',
      Dimensions: [{ Name: 'service', Value: 'kafka-playground-operator' }],
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmName: Match.stringLikeRegexp('PlaygroundsNotReady$'),
    });
  });
});

describe('Playground task role and log group', () => {
  it('lets only ECS tasks of this account assume the task execution role, which writes to its own log group', () => {
    // Assess
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'ecs-tasks.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: idOf(stack.taskExecutionRole) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [idOf(stack.taskLogGroup), 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('publishes the API URL, table, queue, topic and document defaults as outputs', () => {
    // Act
    const outputs = Object.keys(template.toJSON().Outputs as Record<string, unknown>);
    // Assess
    expect(outputs).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'TableName',
        'WorkQueueUrl',
        'AlarmTopicArn',
        'TaskExecutionRoleArn',
        'TaskLogGroupName',
        'DefaultVpcId',
        'DefaultSubnetIds',
        'DefaultAllowedCidrs',
      ]),
    );
  });
});
