/**
 * What invokes each function: the schedules, the work queue, the table's stream, and the EventBridge
 * rules of self-heal. Event patterns are exported so tests and docs read the same values.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { FunctionName } from './code.js';
import type { OperatorSettingsContext } from './config.js';
import type { OperatorQueues } from './queues.js';

/**
 * Mutating API calls on the kinds of resources the operator owns, as CloudTrail records them. Limited to
 * those reconcilers/fleet/events.ts can map back to a playground (by cluster name, ELB/MSK ARN, Cloud Map or
 * security group id).
 * CloudTrail events reach EventBridge best-effort and only with a trail enabled
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html).
 */
/** Messages per reconcile-worker invocation (the work queue's event source mapping). */
export const WORKER_BATCH_SIZE = 10;

export const TAMPER_EVENT_NAMES = [
  // ECS (`cluster`, `service` request parameters)
  'DeleteService',
  'UpdateService',
  'DeleteCluster',
  'PutClusterCapacityProviders',
  // ELBv2 (ARNs)
  'DeleteLoadBalancer',
  'ModifyLoadBalancerAttributes',
  'SetSecurityGroups',
  'SetSubnets',
  'DeleteTargetGroup',
  'ModifyTargetGroup',
  'ModifyTargetGroupAttributes',
  'DeleteListener',
  'ModifyListener',
  // Cloud Map (`id`, `serviceId`); DeleteService/UpdateService as above
  'DeleteNamespace',
  'UpdatePrivateDnsNamespace',
  'DeregisterInstance',
  // MSK (`clusterArn`); DeleteCluster as above
  'UpdateBrokerCount',
  'UpdateBrokerStorage',
  'UpdateBrokerType',
  'UpdateClusterConfiguration',
  'UpdateClusterKafkaVersion',
  'UpdateConnectivity',
  'UpdateMonitoring',
  'UpdateSecurity',
  // EC2 security groups (`groupId`), matched by the ids in each playground's status
  'AuthorizeSecurityGroupIngress',
  'RevokeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupEgress',
  'ModifySecurityGroupRules',
  'DeleteSecurityGroup',
];

/** Self-heal event patterns; ECS ones only for clusters named `kpo-…` (reconcilers/engine/names.ts). */
export function selfHealPatterns(
  scope: Construct,
): Record<'taskStopped' | 'serviceEvents' | 'tamper', events.EventPattern> {
  const { partition, region, account } = Stack.of(scope);
  const ecsArn = (resource: string) => `arn:${partition}:ecs:${region}:${account}:${resource}`;
  return {
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
    taskStopped: {
      source: ['aws.ecs'],
      detailType: ['ECS Task State Change'],
      detail: {
        lastStatus: ['STOPPED'],
        group: events.Match.prefix('service:'),
        clusterArn: events.Match.prefix(ecsArn('cluster/kpo-')),
      },
    },
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_events.html — the service ARN is in resources[].
    serviceEvents: {
      source: ['aws.ecs'],
      detailType: ['ECS Service Action', 'ECS Deployment State Change'],
      resources: events.Match.prefix(ecsArn('service/kpo-')),
    },
    tamper: {
      source: ['aws.ecs', 'aws.elasticloadbalancing', 'aws.servicediscovery', 'aws.kafka', 'aws.ec2'],
      detailType: ['AWS API Call via CloudTrail'],
      detail: { eventName: TAMPER_EVENT_NAMES, errorCode: events.Match.doesNotExist() },
    },
  };
}

export interface OperatorTriggersProps {
  functions: Record<FunctionName, lambda.Function>;
  table: dynamodb.Table;
  queues: OperatorQueues;
  settings: OperatorSettingsContext;
}

export class OperatorTriggers extends Construct {
  readonly rules: Record<'schedule' | 'gc' | 'taskStopped' | 'serviceEvents' | 'tamper', events.Rule>;

  constructor(scope: Construct, id: string, props: OperatorTriggersProps) {
    super(scope, id);
    const { functions: fn, queues, settings } = props;

    const schedule = new events.Rule(this, 'Schedule', {
      description: 'Look for due playgrounds',
      schedule: events.Schedule.rate(Duration.minutes(settings.schedulePeriodMinutes)),
      targets: [new targets.LambdaFunction(fn['reconcile-scheduled'], { retryAttempts: 0 })],
    });
    const gc = new events.Rule(this, 'GcSchedule', {
      description: 'Orphan sweep',
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(fn.gc, { retryAttempts: 0 })],
    });

    fn['reconcile-worker'].addEventSource(
      new SqsEventSource(queues.work, {
        batchSize: WORKER_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: settings.workerConcurrency,
      }),
    );

    // Finite retries plus an OnFailure destination, or one poison record blocks its shard for 24 h
    // (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html).
    fn['reconcile-stream'].addEventSource(
      // aws-cdk-lib's own Table does not satisfy its ITable under exactOptionalPropertyTypes (optional props
      // declared without `| undefined`); the cast is only about that declaration style.
      new DynamoEventSource(props.table as unknown as dynamodb.ITable, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 25,
        bisectBatchOnError: true,
        retryAttempts: 3,
        reportBatchItemFailures: true,
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(queues.streamFailures),
      }),
    );

    const heal = () =>
      new targets.LambdaFunction(fn['self-heal'], {
        deadLetterQueue: queues.healFailures,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      });
    const patterns = selfHealPatterns(this);
    const rule = (ruleId: string, description: string, eventPattern: events.EventPattern) =>
      new events.Rule(this, ruleId, { description, eventPattern, targets: [heal()] });
    this.rules = {
      schedule,
      gc,
      taskStopped: rule('TaskStopped', 'A service task of a playground stopped', patterns.taskStopped),
      serviceEvents: rule(
        'ServiceEvents',
        'ECS service action or deployment state change of a playground',
        patterns.serviceEvents,
      ),
      tamper: rule('Tamper', 'Someone changed or deleted a resource of a kind the operator manages', patterns.tamper),
    };
  }
}
