/**
 * Deterministic AWS names for a playground's resources. Every name fits its AWS limit whatever the user
 * chose: long parts are truncated and a hash suffix keeps them unique (ALB and target group names are
 * at most 32 characters: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html).
 */
import { createHash } from 'node:crypto';

export const NAME_PREFIX = 'kpo';

export function shortHash(input: string, length = 6): string {
  return createHash('sha256').update(input).digest('hex').slice(0, length);
}

/** Joins parts with '-', truncating to fit `max` including a '-<hash>' suffix; never ends with '-'. */
export function fitName(parts: string[], max: number, hashInput: string, hashLength = 6): string {
  const suffix = `-${shortHash(hashInput, hashLength)}`;
  const head = parts
    .join('-')
    .slice(0, max - suffix.length)
    .replace(/-+$/, '');
  return `${head}${suffix}`;
}

export interface Names {
  /** Short id derived from the playground uid; distinguishes a re-created playground of the same name. */
  readonly uidHash: string;
  readonly mskCluster: string;
  /** Configurations are content-addressed: a change of server.properties yields a new one. */
  mskConfiguration(contentHash: string): string;
  readonly mskConfigurationPrefix: string;
  readonly ecsCluster: string;
  /** Cloud Map private DNS namespace; components are `<component>.<namespace>`. */
  readonly namespace: string;
  taskFamily(component: string): string;
  ecsService(component: string): string;
  cloudMapService(component: string): string;
  readonly loadBalancer: string;
  targetGroup(component: string, port: number): string;
  readonly albSecurityGroup: string;
  /** The tasks' own group: the load balancer and the other components may reach them. */
  readonly tasksSecurityGroup: string;
  /** The brokers' group: the tasks (and `clientAccess`) may reach the authentication port. */
  readonly mskSecurityGroup: string;
}

export function namesFor(playground: string, uid: string): Names {
  const uidHash = shortHash(uid || playground, 6);
  const base = `${NAME_PREFIX}-${playground}-${uidHash}`;
  return {
    uidHash,
    mskCluster: base,
    mskConfiguration: (contentHash) => `${base}-${contentHash}`,
    mskConfigurationPrefix: `${base}-`,
    ecsCluster: base,
    namespace: `${playground}.kpo.internal`,
    taskFamily: (component) => `${base}-${component}`,
    ecsService: (component) => component,
    cloudMapService: (component) => component,
    loadBalancer: fitName([NAME_PREFIX, playground], 32, `${uid}/alb`),
    targetGroup: (component, port) => fitName([NAME_PREFIX, playground, component], 32, `${uid}/${component}/${port}`),
    albSecurityGroup: `${base}-alb`,
    tasksSecurityGroup: `${base}-tasks`,
    mskSecurityGroup: `${base}-msk`,
  };
}
