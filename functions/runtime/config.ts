/** The operator's own configuration, from the Lambda environment. Every problem is reported at once. */
import { DEFAULT_SETTINGS, type OperatorSettings } from '../../reconcilers/engine/types.js';
import { ConfigurationError } from '../../lib/errors.js';
import { type BudgetSettings, budgetSettingsFromEnv } from '../../reconcilers/fleet/budget.js';

export interface OperatorConfig {
  tableName: string;
  region: string;
  /** SQS queue the scheduled sweep fans out to (reconcile-scheduled only). */
  queueUrl: string | undefined;
  /** Override for every AWS service endpoint (moto, a local emulator). */
  awsEndpoint: string | undefined;
  /** Override for DynamoDB only. */
  dynamoEndpoint: string | undefined;
  settings: OperatorSettings;
  /** Principals whose CloudTrail calls are the operator's own (ignored by self-heal). */
  operatorPrincipals: string[];
  /** Playgrounds reconciled at once by one invocation. */
  concurrency: number;
  /** Share of AWS's per-account API rates the operator paces itself to (0 turns pacing off). */
  rateShare: number;
  /**
   * Reconcile workers that may run at once (the worker's SQS maximum concurrency): each process paces itself to
   * `rateShare / maxWorkers` of the rates, so all of them together stay within `rateShare`.
   */
  maxWorkers: number;
  /** The fleet's resync budget (RESYNC_API_SHARE, RESYNC_FLOOR_MINUTES, FLEET_SIZE; docs/fleet-budget.md). */
  resync: BudgetSettings;
}

export function readConfig(env: Record<string, string | undefined> = process.env): OperatorConfig {
  const problems: string[] = [];
  const tableName = env.TABLE_NAME ?? '';
  if (!tableName) problems.push('TABLE_NAME is not set (the DynamoDB table holding Playground documents)');
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const number = (key: string, fallback: number) => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) {
      problems.push(`${key} must be a non-negative number, got '${raw}'`);
      return fallback;
    }
    return n;
  };
  const graceMinutes = number('CONFIG_GRACE_MINUTES', DEFAULT_SETTINGS.configurationGraceMs / 60_000);
  const concurrency = number('RECONCILE_CONCURRENCY', 8);
  const rateShare = number('AWS_RATE_SHARE', 0.5);
  const maxWorkers = number('MAX_WORKERS', 1);
  const resyncShare = number('RESYNC_API_SHARE', 0.5);
  if (resyncShare <= 0 || resyncShare > 1) problems.push(`RESYNC_API_SHARE must be in (0, 1], got '${resyncShare}'`);
  const floorMinutes = number('RESYNC_FLOOR_MINUTES', 5);
  if (floorMinutes <= 0) problems.push(`RESYNC_FLOOR_MINUTES must be positive, got '${floorMinutes}'`);
  number('FLEET_SIZE', 0);
  if (problems.length > 0) {
    throw new ConfigurationError(`the operator is misconfigured: ${problems.join('; ')}`, {
      hint: 'set the environment variables the CDK app defines (infra/operator-stack.ts)',
    });
  }
  return {
    tableName,
    region,
    queueUrl: env.QUEUE_URL || undefined,
    awsEndpoint: env.KPO_AWS_ENDPOINT || undefined,
    dynamoEndpoint: env.KPO_DYNAMODB_ENDPOINT || env.KPO_AWS_ENDPOINT || undefined,
    settings: {
      ...DEFAULT_SETTINGS,
      region,
      configurationGraceMs: graceMinutes * 60_000,
      taskExecutionRoleArn: env.TASK_EXECUTION_ROLE_ARN || undefined,
      logGroupName: env.LOG_GROUP_NAME || undefined,
    },
    operatorPrincipals: (env.OPERATOR_PRINCIPALS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    concurrency: Math.max(1, Math.floor(concurrency)),
    rateShare,
    maxWorkers: Math.max(1, Math.floor(maxWorkers)),
    resync: budgetSettingsFromEnv(env),
  };
}
