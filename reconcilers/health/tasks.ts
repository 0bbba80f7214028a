/**
 * Why a component's tasks stopped: the playground's recently stopped tasks, read once per cluster with
 * ListTasks(desiredStatus STOPPED) and one DescribeTasks of up to 100 of them, grouped by `group`
 * (`service:<name>` for service tasks). ECS keeps stopped tasks describable for about an hour
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html).
 */
import { DescribeTasksCommand, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import type { Aws } from '../../lib/aws.js';

export interface LastStop {
  /** stoppedReason, with the essential container's exit code or reason when ECS gives one. */
  reason: string;
  /** Epoch ms. */
  at: number;
  stopCode?: string;
}

/** `Essential container in task exited` + exit code 1 → `Essential container in task exited (exit code 1)`. Pure. */
export function stopReasonOf(t: Task): string {
  const base = t.stoppedReason ?? t.stopCode ?? 'stopped';
  const c = t.containers?.find((x) => x.exitCode !== undefined && x.exitCode !== 0) ?? t.containers?.[0];
  if (c?.exitCode !== undefined && c.exitCode !== null) return `${base} (exit code ${c.exitCode})`;
  if (c?.reason && !base.includes(c.reason)) return `${base}: ${c.reason}`;
  return base;
}

/** The newest stop per service name, from described tasks. Pure. */
export function lastStops(tasks: readonly Task[]): Map<string, LastStop> {
  const out = new Map<string, LastStop>();
  for (const t of tasks) {
    const service = t.group?.startsWith('service:') ? t.group.slice('service:'.length) : undefined;
    if (!service) continue;
    const at = (t.stoppedAt ?? t.stoppingAt ?? t.createdAt)?.getTime() ?? 0;
    const prev = out.get(service);
    if (prev && prev.at >= at) continue;
    out.set(service, { reason: stopReasonOf(t), at, ...(t.stopCode ? { stopCode: t.stopCode } : {}) });
  }
  return out;
}

/** At most one ListTasks and one DescribeTasks for the cluster, whatever the number of services. */
export async function readLastStops(aws: Aws, cluster: string): Promise<Map<string, LastStop>> {
  const listed = await aws.send('ecs', new ListTasksCommand({ cluster, desiredStatus: 'STOPPED', maxResults: 100 }));
  const arns = listed.taskArns ?? [];
  if (arns.length === 0) return new Map();
  const described = await aws.send('ecs', new DescribeTasksCommand({ cluster, tasks: arns.slice(0, 100) }));
  return lastStops(described.tasks ?? []);
}
