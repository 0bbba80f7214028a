/** A complete simulated cloud: every service model the operator calls, on one clock and random source. */
import type { KafkaTimings } from './msk/model.js';
import { SimCloud, type SimCloudOptions } from './core/cloud.js';
import { Ec2Model } from './ec2/model.js';
import type { EcsTimings } from './ecs/state.js';
import { EcsModel } from './ecs/model.js';
import { ElbV2Model, type ElbV2ModelOptions } from './elb/model.js';
import { KafkaModel } from './msk/model.js';
import { ServiceDiscoveryModel, type ServiceDiscoveryModelOptions } from './cloudmap/model.js';
import { TaggingModel } from './core/tagging.js';

export interface SimTimings {
  kafka?: Partial<KafkaTimings>;
  ecs?: Partial<EcsTimings>;
  servicediscovery?: ServiceDiscoveryModelOptions;
  elbv2?: ElbV2ModelOptions;
}

export interface CreateSimOptions extends SimCloudOptions {
  timings?: SimTimings;
}

export function createSimCloud(opts: CreateSimOptions = {}): SimCloud {
  const cloud = new SimCloud(opts);
  const t = opts.timings ?? {};
  cloud.register(new KafkaModel(cloud, t.kafka ?? {}));
  cloud.register(new EcsModel(cloud, t.ecs ?? {}));
  cloud.register(new ServiceDiscoveryModel(cloud, t.servicediscovery ?? {}));
  cloud.register(new ElbV2Model(cloud, t.elbv2 ?? {}));
  cloud.register(new Ec2Model(cloud));
  cloud.register(new TaggingModel(cloud));
  return cloud;
}

export { SimCloud } from './core/cloud.js';
export { simClientOptions } from './core/plugin.js';
export {
  isolateSubnet,
  rejoinSubnets,
  removeInternetRoutes,
  removeNatRoutes,
  seededRole,
  seedSecurityGroup,
  type SeededNetwork,
  type SeedNetworkOptions,
  type SeedSubnet,
  seedNetwork,
  setVpcDnsAttribute,
} from './ec2/seed.js';
