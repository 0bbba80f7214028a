/** Every resource-kind module, in KIND_ORDER (the order the engine observes and plans them). */
import { cloudMapInstanceKind } from './cloudmap/instance.js';
import { cloudMapNamespaceKind } from './cloudmap/namespace.js';
import { cloudMapServiceKind } from './cloudmap/service.js';
import { ec2SecurityGroupKind } from './ec2/security-group.js';
import { ecsClusterKind } from './ecs/cluster.js';
import { ecsServiceKind } from './ecs/service.js';
import { ecsTaskDefinitionKind } from './ecs/task-definition.js';
import { elbListenerKind } from './elb/listener.js';
import { elbLoadBalancerKind } from './elb/load-balancer.js';
import { elbTargetGroupKind } from './elb/target-group.js';
import { mskClusterKind } from './msk/cluster.js';
import { mskConfigurationKind } from './msk/configuration.js';
import { InternalError } from '../lib/errors.js';
import { type AnyKindModule, KIND_ORDER } from './engine/types.js';

const ALL: AnyKindModule[] = [
  mskConfigurationKind,
  mskClusterKind,
  ecsClusterKind,
  cloudMapNamespaceKind,
  cloudMapServiceKind,
  ec2SecurityGroupKind,
  elbLoadBalancerKind,
  elbTargetGroupKind,
  elbListenerKind,
  ecsTaskDefinitionKind,
  ecsServiceKind,
  cloudMapInstanceKind,
];

export const MODULES: readonly AnyKindModule[] = KIND_ORDER.map((kind) => {
  const m = ALL.find((x) => x.kind === kind);
  if (!m) throw new InternalError(`no module for kind ${kind}`);
  return m;
});

/** The network preflight every deployed engine runs before it creates anything. */
export { networkPreflight as NETWORK_PREFLIGHT } from './ec2/preflight.js';

/** The health observer every deployed engine runs after applying the plan (Ready requires Healthy). */
export { healthObserver as HEALTH_OBSERVER } from './health/observe.js';
