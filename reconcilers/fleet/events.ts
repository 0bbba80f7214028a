/**
 * Maps EventBridge events to the playground they concern, for self-healing. Pure.
 * - ECS Task State Change: `detail.clusterArn` + `detail.group` = `service:<name>` (standalone tasks have
 *   `family:<f>` and are ignored). Duplicates share `detail.version`: dedupe on (taskArn, version).
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html
 * - ECS Service Action / Deployment State Change: the service ARN is only in `resources[]`.
 * - AWS API Call via CloudTrail: the resource is in `detail.requestParameters`; calls made by the operator
 *   itself (its role in `detail.userIdentity.arn`) are ignored.
 * Every playground-owned ECS cluster is named `kpo-<playground>-<uid6>` (reconcilers/engine/names.ts), so the
 * cluster name identifies the playground; other resources are matched by their derived names or, for those known
 * by an AWS-chosen id (security groups `sg-…`, Cloud Map ids), by the ids each playground's status records.
 * EC2 security group calls (AuthorizeSecurityGroupIngress/Egress, RevokeSecurityGroupIngress/Egress,
 * ModifySecurityGroupRules, DeleteSecurityGroup) carry the group in `requestParameters.groupId`, or in
 * `requestParameters.ModifySecurityGroupRulesRequest.GroupId`
 * (https://docs.aws.amazon.com/AWSEC2/latest/devguide/monitor-with-cloudtrail.html).
 */
import { NAME_PREFIX } from '../engine/names.js';

export interface HealEvent {
  id?: string;
  source?: string;
  'detail-type'?: string;
  resources?: string[];
  detail?: Record<string, unknown>;
}

export interface EventTarget {
  /** What the event points at: an ECS cluster name, or another derived resource name. */
  clusterName?: string;
  resourceNames: string[];
  /** Key for de-duplication of repeated deliveries. */
  dedupeKey: string;
  why: string;
}

const CLUSTER_NAME = new RegExp(`^${NAME_PREFIX}-([a-z0-9][-a-z0-9]*)-([0-9a-f]{6})$`);

/** `kpo-demo-1a2b3c` → { playground: 'demo', uidHash: '1a2b3c' }. */
export function parseClusterName(name: string): { playground: string; uidHash: string } | undefined {
  const m = CLUSTER_NAME.exec(name);
  return m?.[1] && m[2] ? { playground: m[1], uidHash: m[2] } : undefined;
}

/** `arn:aws:ecs:r:a:cluster/NAME` or `…:service/CLUSTER/NAME` → cluster name. */
export function clusterNameFromArn(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const m = /:(?:cluster|service|task)\/([^/]+)/.exec(arn);
  return m?.[1];
}

/** ELB ARNs: `…:loadbalancer/app/NAME/id`, `…:listener/app/NAME/id/id`, `…:targetgroup/NAME/id`. */
export function elbNameFromArn(arn: string): string | undefined {
  const m = /:(?:loadbalancer|listener)\/app\/([^/]+)\//.exec(arn) ?? /:targetgroup\/([^/]+)\//.exec(arn);
  return m?.[1];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * ECS registers and deregisters its own tasks' Cloud Map instances; those calls name ECS in
 * `userIdentity.invokedBy` (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html;
 * the exact identity of ECS's calls is UNVERIFIED) and the task state change events already report the tasks. Only
 * someone else's calls are out-of-band changes.
 */
function isEcsOwnRegistration(detail: Record<string, unknown>, identity: Record<string, unknown>): boolean {
  const name = str(detail.eventName);
  return (
    str(detail.eventSource) === 'servicediscovery.amazonaws.com' &&
    str(identity.invokedBy) === 'ecs.amazonaws.com' &&
    (name === 'RegisterInstance' || name === 'DeregisterInstance' || name === 'UpdateInstanceCustomHealthStatus')
  );
}

export function targetOf(event: HealEvent, operatorPrincipals: readonly string[] = []): EventTarget | undefined {
  const type = event['detail-type'];
  const detail = event.detail ?? {};
  switch (type) {
    case 'ECS Task State Change': {
      const group = str(detail.group);
      if (!group?.startsWith('service:')) return undefined;
      const clusterName = clusterNameFromArn(str(detail.clusterArn));
      if (!clusterName) return undefined;
      return {
        clusterName,
        resourceNames: [group.slice('service:'.length)],
        dedupeKey: `${str(detail.taskArn)}#${String(detail.version ?? '')}`,
        why: `task ${str(detail.lastStatus) ?? ''} (${str(detail.stoppedReason) ?? 'no reason given'})`,
      };
    }
    case 'ECS Service Action':
    case 'ECS Deployment State Change': {
      const arn = (event.resources ?? []).find((r) => r.includes(':service/'));
      const clusterName = clusterNameFromArn(arn) ?? clusterNameFromArn(str(detail.clusterArn));
      if (!clusterName) return undefined;
      return {
        clusterName,
        resourceNames: arn ? [arn.split('/').pop() ?? ''] : [],
        dedupeKey: event.id ?? `${type}#${arn}#${str(detail.eventName)}`,
        why: `${type}: ${str(detail.eventName) ?? ''} ${str(detail.reason) ?? ''}`.trim(),
      };
    }
    case 'AWS API Call via CloudTrail': {
      const identity = (detail.userIdentity ?? {}) as Record<string, unknown>;
      const who = str(identity.arn) ?? '';
      if (operatorPrincipals.some((p) => who.includes(p))) return undefined;
      if (detail.errorCode) return undefined;
      if (isEcsOwnRegistration(detail, identity)) return undefined;
      const params = (detail.requestParameters ?? {}) as Record<string, unknown>;
      const names: string[] = [];
      const nested = params.ModifySecurityGroupRulesRequest as Record<string, unknown> | undefined;
      const groupId = str(params.groupId) ?? str(nested?.GroupId);
      if (groupId?.startsWith('sg-')) names.push(groupId);
      let clusterName: string | undefined;
      for (const [k, v] of Object.entries(params)) {
        const s = str(v);
        if (!s) continue;
        if (k === 'cluster') clusterName = s.startsWith('arn:') ? clusterNameFromArn(s) : s;
        else if (s.startsWith('arn:aws:elasticloadbalancing')) {
          const n = elbNameFromArn(s);
          if (n) names.push(n);
        } else if (s.startsWith('arn:aws:kafka')) {
          const n = /:cluster\/([^/]+)\//.exec(s)?.[1];
          if (n) names.push(n);
        } else if (k === 'service' || k === 'id' || k === 'serviceId' || k === 'namespaceId') names.push(s);
      }
      if (!clusterName && names.length === 0) return undefined;
      return {
        ...(clusterName ? { clusterName } : {}),
        resourceNames: names,
        dedupeKey: event.id ?? `${str(detail.eventID)}`,
        why: `${str(detail.eventName) ?? 'API call'} by ${who || 'someone'}`,
      };
    }
    default:
      return undefined;
  }
}

/** A small bounded set for de-duplicating event deliveries within one warm container. */
export class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly max = 1000) {}
  /** True the first time a key is seen. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.max) {
      const first = this.keys.values().next().value;
      if (first !== undefined) this.keys.delete(first);
    }
    return true;
  }
}
