/**
 * Target health of a component's target group: one DescribeTargetHealth per group
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetHealth.html), counted per
 * state. States and reason codes (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html):
 * initial (Elb.RegistrationInProgress, Elb.InitialHealthChecking), unhealthy (Target.ResponseCodeMismatch,
 * Target.Timeout, Target.FailedHealthChecks, Elb.InternalError), unused (Target.NotRegistered, Target.NotInUse,
 * Target.InvalidState, Target.IpUnusable), draining (Target.DeregistrationInProgress), unavailable
 * (Target.HealthCheckDisabled, Elb.InternalError).
 */
import { DescribeTargetHealthCommand, type TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type Aws, isAwsError } from '../../lib/aws.js';
import { TG_NOT_FOUND } from '../elb/shared.js';
import type { TargetHealthStatus } from '../../schemas/status.js';

const STATES = ['healthy', 'unhealthy', 'initial', 'draining', 'unused', 'unavailable'] as const;
type TargetState = (typeof STATES)[number];

/** Worst first: the state the summary names when targets differ. */
const SEVERITY: readonly TargetState[] = ['unhealthy', 'unused', 'unavailable', 'initial', 'healthy', 'draining'];

/** Counts per state, and the reason of the first target in the worst state. Pure. */
export function summarizeTargets(descriptions: readonly TargetHealthDescription[]): TargetHealthStatus {
  const counts: Record<TargetState, number> = {
    healthy: 0,
    unhealthy: 0,
    initial: 0,
    draining: 0,
    unused: 0,
    unavailable: 0,
  };
  for (const d of descriptions) {
    const s = d.TargetHealth?.State as TargetState | undefined;
    if (s && STATES.includes(s)) counts[s]++;
    else counts.unavailable++;
  }
  const worst = SEVERITY.find((s) => counts[s] > 0);
  const first = worst ? descriptions.find((d) => (d.TargetHealth?.State ?? 'unavailable') === worst) : undefined;
  return {
    ...counts,
    total: descriptions.length,
    state: worst ?? 'none',
    ...(first?.TargetHealth?.Reason ? { reason: first.TargetHealth.Reason } : {}),
    ...(first?.TargetHealth?.Description ? { description: first.TargetHealth.Description } : {}),
  };
}

/** Target groups a pass reads in flight at once. */
const CONCURRENCY = 4;

/**
 * The targets of each group (at most one call per group). A group that no longer exists is left out; any other
 * error is reported per group, so one failed read does not hide the others.
 */
export async function readTargetHealth(
  aws: Aws,
  targetGroupArns: readonly string[],
): Promise<Map<string, TargetHealthDescription[] | Error>> {
  const out = new Map<string, TargetHealthDescription[] | Error>();
  const arns = [...new Set(targetGroupArns)];
  for (let i = 0; i < arns.length; i += CONCURRENCY) {
    await Promise.all(
      arns.slice(i, i + CONCURRENCY).map(async (arn) => {
        try {
          const res = await aws.send('elbv2', new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
          out.set(arn, res.TargetHealthDescriptions ?? []);
        } catch (err) {
          if (isAwsError(err, ...TG_NOT_FOUND)) return;
          out.set(arn, err instanceof Error ? err : new Error(String(err)));
        }
      }),
    );
  }
  return out;
}
