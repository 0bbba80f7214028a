/**
 * The six Lambda functions, one IAM role each, each with its own log group. They call AWS APIs only, so
 * they run outside any VPC (no NAT or VPC endpoints needed); the playgrounds' VPC is a document setting.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type CodeFor, FUNCTION_NAMES, type FunctionName, HANDLER } from './code.js';
import type { OperatorSettingsContext } from './config.js';
import { createContainersDocument, createKafkaNetworkDocument, mutateDocument, readDocument } from './iam.js';
import { type OperatorQueues, WORKER_TIMEOUT } from './queues.js';

export const SERVICE_NAME = 'kafka-playground-operator';
export const METRICS_NAMESPACE = 'KafkaPlaygroundOperator';
export const RUNTIME = lambda.Runtime.NODEJS_22_X;

interface FunctionSpec {
  description: string;
  timeout: Duration;
  memorySize: number;
  /** Reserved (and maximum) concurrency when the account can afford it. */
  reserved?: number;
  /** Asynchronous invocations (EventBridge targets): retries of function errors and event age. */
  async?: { retryAttempts: number; maxEventAge: Duration };
}

export const FUNCTION_SPECS: Record<FunctionName, FunctionSpec> = {
  // API Gateway's integration timeout is 29 s (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
  api: { description: 'Playground REST API (IAM auth)', timeout: Duration.seconds(29), memorySize: 512 },
  // One at a time: a per-function mutex, and a missed tick is replaced by the next one.
  'reconcile-scheduled': {
    description: 'Finds due playgrounds and enqueues one message each',
    timeout: Duration.seconds(60),
    memorySize: 256,
    reserved: 1,
    async: { retryAttempts: 0, maxEventAge: Duration.seconds(60) },
  },
  'reconcile-worker': {
    description: 'Reconciles the playgrounds named in work-queue messages',
    timeout: WORKER_TIMEOUT,
    memorySize: 512,
  },
  'reconcile-stream': {
    description: 'Reconciles a playground as soon as its document changes',
    timeout: Duration.seconds(60),
    memorySize: 512,
  },
  // Bursts of ECS events are capped; throttled async events are retried by Lambda up to maxEventAge.
  'self-heal': {
    description: 'Reconciles a playground when AWS reports a change to one of its resources',
    timeout: Duration.seconds(60),
    memorySize: 512,
    reserved: 5,
    async: { retryAttempts: 2, maxEventAge: Duration.hours(1) },
  },
  gc: {
    description: 'Sweeps orphaned operator-owned resources (MSK configurations, leftovers of deleted playgrounds)',
    timeout: Duration.seconds(60),
    memorySize: 512,
    reserved: 1,
    async: { retryAttempts: 0, maxEventAge: Duration.hours(1) },
  },
};

export type PolicyKind = 'read' | 'createContainers' | 'createKafkaNetwork' | 'mutate';

/** Which functions create resources, and which may only change or delete owned ones. */
export const CREATORS: FunctionName[] = ['reconcile-worker', 'reconcile-stream', 'self-heal'];
export const MUTATORS: FunctionName[] = [...CREATORS, 'gc'];
export const AWS_READERS: FunctionName[] = ['api', ...MUTATORS];

export interface OperatorFunctionsProps {
  code: CodeFor;
  table: dynamodb.Table;
  queues: OperatorQueues;
  taskExecutionRole: iam.IRole;
  taskLogGroup: logs.ILogGroup;
  settings: OperatorSettingsContext;
}

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

export class OperatorFunctions extends Construct {
  readonly functions = {} as Record<FunctionName, lambda.Function>;
  readonly roles = {} as Record<FunctionName, iam.Role>;
  /**
   * Customer managed policies: the reconciler permissions exceed the 10,240-character aggregate limit of a
   * role's inline policies; each managed policy stays under its own 6,144 characters
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
   */
  readonly policies: Record<PolicyKind, iam.ManagedPolicy>;

  constructor(scope: Construct, id: string, props: OperatorFunctionsProps) {
    super(scope, id);
    const { settings, queues } = props;
    for (const name of FUNCTION_NAMES) {
      this.roles[name] = new iam.Role(this, `${pascal(name)}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `kafka-playground-operator ${name} function`,
      });
    }
    const shared: Record<string, string> = {
      TABLE_NAME: props.table.tableName,
      TASK_EXECUTION_ROLE_ARN: props.taskExecutionRole.roleArn,
      LOG_GROUP_NAME: props.taskLogGroup.logGroupName,
      CONFIG_GRACE_MINUTES: String(settings.configGraceMinutes),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      // The fleet's AWS call budget (reconcilers/fleet/budget.ts, docs/fleet-budget.md): every process paces
      // itself to 1/MAX_WORKERS of the share, and the resync period is derived from the share and the fleet size.
      MAX_WORKERS: String(settings.workerConcurrency),
      RESYNC_API_SHARE: String(settings.resyncApiSharePercent / 100),
      RESYNC_FLOOR_MINUTES: String(settings.resyncFloorMinutes),
      ...(settings.fleetSize > 0 ? { FLEET_SIZE: String(settings.fleetSize) } : {}),
    };
    // Self-heal ignores CloudTrail events caused by the operator's own roles (reconcilers/fleet/events.ts matches
    // `detail.userIdentity.arn`, which for a Lambda is `arn:…:sts::…:assumed-role/<role name>/<session>`).
    const operatorPrincipals = MUTATORS.map((n) => `:assumed-role/${this.roles[n].roleName}/`).join(',');
    const extraEnv: Partial<Record<FunctionName, Record<string, string>>> = {
      'reconcile-scheduled': { QUEUE_URL: queues.work.queueUrl },
      // A stream batch may name many playgrounds; their passes go to the work queue, not into one invocation.
      'reconcile-stream': { QUEUE_URL: queues.work.queueUrl },
      'self-heal': { OPERATOR_PRINCIPALS: operatorPrincipals },
    };

    for (const name of FUNCTION_NAMES) {
      const spec = FUNCTION_SPECS[name];
      const role = this.roles[name];
      const logGroup = new logs.LogGroup(this, `${pascal(name)}Logs`, {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      logGroup.grantWrite(role);
      const reserved = settings.reserveConcurrency ? spec.reserved : undefined;
      this.functions[name] = new lambda.Function(this, pascal(name), {
        description: spec.description,
        runtime: RUNTIME,
        architecture: lambda.Architecture.ARM_64,
        handler: HANDLER,
        code: props.code(name),
        role,
        logGroup,
        timeout: spec.timeout,
        memorySize: spec.memorySize,
        tracing: lambda.Tracing.ACTIVE,
        environment: { ...shared, ...extraEnv[name] },
        ...(reserved === undefined ? {} : { reservedConcurrentExecutions: reserved }),
        ...(spec.async
          ? {
              retryAttempts: spec.async.retryAttempts,
              maxEventAge: spec.async.maxEventAge,
              ...(name === 'self-heal' ? { onFailure: new SqsDestination(queues.healFailures) } : {}),
            }
          : {}),
      });
    }

    // The api and the reconcilers write documents (status, leases, tombstones); the scheduler only lists them.
    props.table.grantReadData(this.roles['reconcile-scheduled']);
    for (const name of AWS_READERS) props.table.grantReadWriteData(this.roles[name]);
    queues.work.grantSendMessages(this.roles['reconcile-scheduled']);
    queues.work.grantSendMessages(this.roles['reconcile-stream']);

    const attach = (id: string, description: string, document: iam.PolicyDocument, names: FunctionName[]) => {
      const policy = new iam.ManagedPolicy(this, id, { description, document, roles: names.map((n) => this.roles[n]) });
      // No invocation before its permissions are attached (first deployment).
      for (const n of names) this.functions[n].node.addDependency(policy);
      return policy;
    };
    this.policies = {
      read: attach(
        'ReadAwsPolicy',
        'kafka-playground-operator: read-only Describe/List/Get',
        readDocument(),
        AWS_READERS,
      ),
      createContainers: attach(
        'CreateContainersPolicy',
        'kafka-playground-operator: create tagged ECS/ELB resources',
        createContainersDocument(this, props.taskExecutionRole.roleArn),
        CREATORS,
      ),
      createKafkaNetwork: attach(
        'CreateKafkaNetworkPolicy',
        'kafka-playground-operator: create tagged security groups, Cloud Map and MSK resources',
        createKafkaNetworkDocument(this),
        CREATORS,
      ),
      mutate: attach(
        'MutateOwnedPolicy',
        'kafka-playground-operator: change or delete owned resources only',
        mutateDocument(this),
        MUTATORS,
      ),
    };
  }
}
