/**
 * The CDK app's settings, from context (`cdk.json`, overridden with `-c key=value`). Every problem is
 * reported at once. Nothing here is looked up in an AWS account: `cdk synth` works offline.
 */
import type { Node } from 'constructs';
import { ConfigurationError } from '../lib/errors.js';

export interface OperatorSettingsContext {
  /** Default VPC for playground documents (documentation/outputs only: the Lambdas run outside any VPC). */
  vpcId: string | undefined;
  /** Default subnets for playground documents (documentation/outputs only). */
  subnetIds: string[];
  /** Default CIDRs allowed to reach a playground's ALB (documentation/outputs only). */
  allowedCidrs: string[];
  /** How often reconcile-scheduled looks for due playgrounds. */
  schedulePeriodMinutes: number;
  /** Grace period before an unused owned MSK configuration may be deleted. */
  configGraceMinutes: number;
  /** Upper bound of concurrent reconcile-worker invocations (SQS event source maximum concurrency). */
  workerConcurrency: number;
  /** Share of each AWS API's sustained rate the periodic resync may use, in percent (docs/fleet-budget.md). */
  resyncApiSharePercent: number;
  /** The resync period of a Ready playground is never shorter than this. */
  resyncFloorMinutes: number;
  /** Fleet size the resync budget is computed for; 0: each container counts the table. */
  fleetSize: number;
  /** Optional e-mail subscribed to the alarm topic. */
  alarmEmail: string | undefined;
  /**
   * Reserve concurrency for the timer functions (1 each: a per-function mutex) and self-heal. Accounts with a
   * low concurrency quota (new accounts: 10) cannot reserve any: pass `-c reserveConcurrency=false`.
   */
  reserveConcurrency: boolean;
}

export const CONTEXT_DEFAULTS = {
  schedulePeriodMinutes: 1,
  configGraceMinutes: 60,
  workerConcurrency: 10,
  resyncApiSharePercent: 50,
  resyncFloorMinutes: 5,
  fleetSize: 0,
  reserveConcurrency: true,
} as const;

type Read = (key: string) => unknown;

const text = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : String(v).trim() === '' ? undefined : String(v).trim();

/** `a,b` / `["a","b"]` / `a b` → ['a', 'b']. */
function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
  const s = text(v);
  return s ? s.split(/[\s,]+/).filter(Boolean) : [];
}

export function readSettings(read: Read): OperatorSettingsContext {
  const problems: string[] = [];
  const integer = (key: string, fallback: number, min: number, max: number): number => {
    const raw = text(read(key));
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${key} must be an integer from ${min} to ${max}, got '${raw}'`);
      return fallback;
    }
    return n;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const raw = text(read(key));
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    problems.push(`${key} must be true or false, got '${raw}'`);
    return fallback;
  };

  const vpcId = text(read('vpcId'));
  if (vpcId && !/^vpc-[0-9a-f]{8,17}$/.test(vpcId)) problems.push(`vpcId must look like vpc-0123abcd, got '${vpcId}'`);
  const subnetIds = list(read('subnetIds'));
  for (const s of subnetIds)
    if (!/^subnet-[0-9a-f]{8,17}$/.test(s)) problems.push(`subnetIds: '${s}' is not a subnet id`);
  const allowedCidrs = list(read('allowedCidrs'));
  for (const c of allowedCidrs)
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(c)) problems.push(`allowedCidrs: '${c}' is not an IPv4 CIDR`);
  const alarmEmail = text(read('alarmEmail'));
  if (alarmEmail && !/^[^@\s]+@[^@\s]+$/.test(alarmEmail))
    problems.push(`alarmEmail '${alarmEmail}' is not an e-mail address`);

  const settings: OperatorSettingsContext = {
    vpcId,
    subnetIds,
    allowedCidrs,
    // EventBridge rates are whole minutes, 1 at least (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-schedule.html).
    schedulePeriodMinutes: integer('schedulePeriodMinutes', CONTEXT_DEFAULTS.schedulePeriodMinutes, 1, 1440),
    configGraceMinutes: integer('configGraceMinutes', CONTEXT_DEFAULTS.configGraceMinutes, 0, 60 * 24 * 30),
    // SQS event source MaximumConcurrency is 2–1000 (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
    workerConcurrency: integer('workerConcurrency', CONTEXT_DEFAULTS.workerConcurrency, 2, 1000),
    resyncApiSharePercent: integer('resyncApiSharePercent', CONTEXT_DEFAULTS.resyncApiSharePercent, 1, 100),
    resyncFloorMinutes: integer('resyncFloorMinutes', CONTEXT_DEFAULTS.resyncFloorMinutes, 1, 24 * 60),
    fleetSize: integer('fleetSize', CONTEXT_DEFAULTS.fleetSize, 0, 1_000_000),
    alarmEmail,
    reserveConcurrency: bool('reserveConcurrency', CONTEXT_DEFAULTS.reserveConcurrency),
  };
  if (problems.length > 0) {
    throw new ConfigurationError(`the CDK context is invalid: ${problems.join('; ')}`, {
      hint: 'fix the values in cdk.json or the -c key=value arguments',
    });
  }
  return settings;
}

export function settingsFromNode(node: Node): OperatorSettingsContext {
  return readSettings((key) => node.tryGetContext(key));
}
