/** A complete simulated cloud: every service model the operator calls, on one clock and random source. */
import type { KafkaTimings } from './kafka.js';
import { SimCloud, type SimCloudOptions } from './cloud.js';
import { Ec2Model } from './ec2.js';
import type { EcsTimings } from './ecs-state.js';
import { EcsModel } from './ecs.js';
import { ElbV2Model, type ElbV2ModelOptions } from './elbv2.js';
import { KafkaModel } from './kafka.js';
import { ServiceDiscoveryModel, type ServiceDiscoveryModelOptions } from './servicediscovery.js';
import { TaggingModel } from './tagging.js';

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

export { SimCloud } from './cloud.js';
export { simClientOptions } from './plugin.js';
