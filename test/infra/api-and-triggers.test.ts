/**
 * How the operator is reached and triggered: the REST API (IAM auth, request model), the work queue and the
 * stream mapping, the schedules and the self-heal rules.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, STAGE_THROTTLING } from '../../infra/api.js';
import type { FunctionName } from '../../infra/code.js';
import { FUNCTION_SPECS } from '../../infra/functions.js';
import type { OperatorStack } from '../../infra/operator-stack.js';
import { TAMPER_EVENT_NAMES } from '../../infra/triggers.js';
import { type Resources, synthOperator } from './fixture.js';

let stack: OperatorStack;
let template: Template;
let resources: Resources;
let idOf: (c: { node: { defaultChild?: unknown } }) => string;
beforeAll(() => {
  ({ stack, template, resources, idOf } = synthOperator());
});

describe('REST API', () => {
  const methods = () => Object.values(template.findResources('AWS::ApiGateway::Method'));

  it('requires IAM (SigV4) authorization on every method', () => {
    // Act
    const auth = methods().map((m) => m.Properties.AuthorizationType);
    // Assess
    expect(auth.length).toBeGreaterThan(0);
    for (const a of auth) expect(a).toBe('AWS_IAM');
  });

  it('has exactly the routes of functions/api/routes.ts, all proxied to the api function', () => {
    // Prepare
    const pathOf = (resourceId: string): string => {
      const r = resources[resourceId];
      if (!r) return '';
      const parent = r.Properties.ParentId as { Ref?: string };
      return `${parent.Ref ? pathOf(parent.Ref) : ''}/${r.Properties.PathPart as string}`;
    };
    // Act
    const routes = methods().map(
      (m) => `${m.Properties.HttpMethod} ${pathOf((m.Properties.ResourceId as { Ref: string }).Ref)}`,
    );
    // Assess
    expect(routes.sort()).toEqual(API_ROUTES.map(([m, p]) => `${m} ${p}`).sort());
    for (const m of methods())
      expect(m.Properties.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
  });

  it('validates PUT bodies against the Playground model, for JSON bodies only', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'PUT',
      RequestValidatorId: Match.anyValue(),
      RequestModels: { 'application/json': Match.anyValue() },
    });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: Match.objectLike({
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
        required: ['apiVersion', 'kind', 'metadata', 'spec'],
      }),
    });
    const validated = methods().filter((m) => m.Properties.RequestValidatorId !== undefined);
    expect(validated.map((m) => m.Properties.HttpMethod)).toEqual(['PUT']);
  });

  it('answers a rejected body with problem+json', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'BAD_REQUEST_BODY',
      ResponseTemplates: {
        'application/json': Match.serializedJson(
          Match.objectLike({ type: 'https://kpo.dev/problems/ValidationFailed', status: 400 }),
        ),
      },
    });
  });

  it('logs access to a log group, traces, and throttles the stage', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: {
        DestinationArn: Match.anyValue(),
        Format: Match.serializedJson(Match.objectLike({ principal: '$context.identity.userArn' })),
      },
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: STAGE_THROTTLING.rateLimit,
          ThrottlingBurstLimit: STAGE_THROTTLING.burstLimit,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        }),
      ]),
    });
  });
});

describe('Queues and event sources', () => {
  it('keeps work messages hidden 6× the worker timeout, with a DLQ after 5 receives, SSE and TLS only', () => {
    // Assess
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 6 * FUNCTION_SPECS['reconcile-worker'].timeout.toSeconds(),
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [idOf(stack.queues.workDlq), 'Arn'] }, maxReceiveCount: 5 },
    });
    for (const q of Object.values(template.findResources('AWS::SQS::Queue')))
      expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    const tlsOnly = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
    );
    expect(tlsOnly).toHaveLength(4);
  });

  it('feeds the worker from the work queue with partial batch failures', () => {
    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: idOf(stack.functions.functions['reconcile-worker']) },
      EventSourceArn: { 'Fn::GetAtt': [idOf(stack.queues.work), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('feeds reconcile-stream from the table stream with finite retries, bisection and a failure queue', () => {
    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: idOf(stack.functions.functions['reconcile-stream']) },
      EventSourceArn: { 'Fn::GetAtt': [idOf(stack.table), 'StreamArn'] },
      StartingPosition: 'LATEST',
      BatchSize: 25,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(stack.queues.streamFailures), 'Arn'] } } },
    });
  });
});

describe('Schedules and self-heal rules', () => {
  const target = (name: FunctionName) => ({ Arn: { 'Fn::GetAtt': [idOf(stack.functions.functions[name]), 'Arn'] } });

  it('runs reconcile-scheduled every minute and gc every hour', () => {
    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike(target('reconcile-scheduled'))],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike(target('gc'))],
    });
  });

  it.each([
    [
      'stopped service tasks',
      {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: Match.objectLike({ lastStatus: ['STOPPED'], group: [{ prefix: 'service:' }] }),
      },
    ],
    [
      'ECS service actions and deployments',
      { source: ['aws.ecs'], 'detail-type': ['ECS Service Action', 'ECS Deployment State Change'] },
    ],
    [
      'mutating CloudTrail calls',
      {
        source: ['aws.ecs', 'aws.elasticloadbalancing', 'aws.servicediscovery', 'aws.kafka', 'aws.ec2'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: { eventName: TAMPER_EVENT_NAMES, errorCode: [{ exists: false }] },
      },
    ],
  ])('sends %s to self-heal with a DLQ, 2 retries and 1 h max age', (_what, pattern) => {
    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike(pattern),
      Targets: [
        Match.objectLike({
          ...target('self-heal'),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(stack.queues.healFailures), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        }),
      ],
    });
  });

  it('watches the mutating calls named in the design', () => {
    // Assess
    for (const name of [
      'DeleteService',
      'UpdateService',
      'DeleteListener',
      'ModifyListener',
      'DeleteTargetGroup',
      'DeleteLoadBalancer',
      'DeleteCluster',
      'DeregisterInstance',
    ]) {
      expect(TAMPER_EVENT_NAMES).toContain(name);
    }
  });

  it('only listens to ECS events of kpo- clusters', () => {
    // Act
    const patterns = JSON.stringify(
      Object.values(template.findResources('AWS::Events::Rule')).map((r) => r.Properties.EventPattern),
    );
    // Assess
    expect(patterns).toContain(':cluster/kpo-"');
    expect(patterns).toContain(':service/kpo-"');
  });

  it('retries failed self-heal invocations twice, then parks them in the DLQ', () => {
    // Assess
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf(stack.functions.functions['self-heal']) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(stack.queues.healFailures), 'Arn'] } } },
    });
  });
});
