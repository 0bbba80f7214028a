/**
 * The data plane of the simulated ECS tasks: what a task's network interface is, whether its image can be pulled,
 * whether it reaches the Kafka brokers it is configured with, and what its container answers on a port and path.
 * Other models are reached through the cloud (`cloud.model`), never imported.
 *
 * - awsvpc tasks get an elastic network interface in one of the service's subnets, with the service's security
 *   groups and a public IP when `assignPublicIp` is ENABLED
 *   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html).
 * - Pulling an image needs a route to the registry: a public IP and a default route to an internet gateway, or a
 *   default route to a NAT gateway (https://repost.aws/knowledge-center/ecs-fargate-pull-container-error). Without
 *   it the task stops with `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to
 *   resolve ref …: failed to do request: Head "https://registry-1.docker.io/v2/…": dial tcp …:443: i/o timeout`
 *   (the wording users report, e.g. https://github.com/ActionIQ/terraform-aws-retool-ecs-fargate/issues/20).
 * - A Kafka client that cannot open a TCP connection to any broker of its bootstrap list gives up after its start-up
 *   timeout and exits with code 1; ECS then stops the task with stopCode `EssentialContainerExited` and stoppedReason
 *   `Essential container in task exited` (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html).
 * - A container answers HTTP on its task definition's container ports once it has started (per image, below);
 *   paths the image does not serve answer 404. `imageFaults` make an image answer another code or never listen.
 */
import type { SimCloud } from '../core/cloud.js';
import type { ContainerAnswer, Ec2Network, FlowEndpoint, KafkaBrokers, TaskProbe } from '../core/types.js';
import type { EcsSim, TaskRecord } from './state.js';

export type { ImageFault } from './state.js';

/** How an image behaves: start-up time, the paths it answers 200 on, and how long it waits for Kafka. */
export interface ImageProfile {
  startMs: number;
  /** Paths answering 200 once started; undefined: every path. */
  paths: readonly string[] | undefined;
  /** How long the process retries the brokers before it exits with code 1. */
  kafkaTimeoutMs: number;
}

/**
 * The images of the component catalog by repository (the tag is ignored). Start-up times follow what each image does
 * before it serves: the Confluent JVM services wait for Kafka and create their internal topics; Connect scans its
 * plugin path and ksqlDB starts its engine, both a minute or more; the static UIs serve at once.
 */
const PROFILES: Record<string, ImageProfile> = {
  'confluentinc/cp-schema-registry': {
    startMs: 30_000,
    paths: ['/', '/subjects', '/schemas/types', '/config'],
    kafkaTimeoutMs: 60_000,
  },
  'confluentinc/cp-kafka-connect': {
    startMs: 90_000,
    paths: ['/', '/connectors', '/connector-plugins'],
    kafkaTimeoutMs: 120_000,
  },
  'confluentinc/cp-kafka-rest': { startMs: 30_000, paths: ['/', '/topics', '/v3/clusters'], kafkaTimeoutMs: 60_000 },
  'confluentinc/cp-ksqldb-server': { startMs: 75_000, paths: ['/info', '/healthcheck'], kafkaTimeoutMs: 120_000 },
  'provectuslabs/kafka-ui': { startMs: 40_000, paths: ['/', '/actuator/health'], kafkaTimeoutMs: 90_000 },
  'landoop/schema-registry-ui': { startMs: 5_000, paths: ['/'], kafkaTimeoutMs: 0 },
  'landoop/kafka-connect-ui': { startMs: 5_000, paths: ['/'], kafkaTimeoutMs: 0 },
};

/** Any other image: up in 10 s, answers 200 everywhere, waits a minute for Kafka. */
const DEFAULT_PROFILE: ImageProfile = { startMs: 10_000, paths: undefined, kafkaTimeoutMs: 60_000 };

export function profileOf(image: string): ImageProfile {
  const at = image.lastIndexOf('@');
  const untagged = at >= 0 ? image.slice(0, at) : image.replace(/:[^/:]*$/, '');
  return PROFILES[untagged.replace(/^docker\.io\//, '').replace(/^library\//, '')] ?? DEFAULT_PROFILE;
}

export function ec2Of(cloud: SimCloud): Ec2Network | undefined {
  try {
    return cloud.model<Ec2Network>('ec2');
  } catch {
    return undefined;
  }
}

function kafkaOf(cloud: SimCloud): KafkaBrokers | undefined {
  try {
    const m = cloud.model<KafkaBrokers>('kafka');
    return typeof m.broker === 'function' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The task's network interface as a flow endpoint. */
export function endpointOf(t: TaskRecord): FlowEndpoint {
  return { ip: t.ip, subnetId: t.subnet, securityGroupIds: t.securityGroups ?? [] };
}

/** Tasks by private IP (in memory; rebuilt after a restore). A STOPPED task keeps its entry until replaced. */
function ipIndex(sim: EcsSim): Map<string, string> {
  if (!sim.byIp) {
    sim.byIp = new Map();
    for (const t of Object.values(sim.state.tasks)) if (t.lastStatus !== 'STOPPED') sim.byIp.set(t.ip, t.arn);
  }
  return sim.byIp;
}

export function indexTask(sim: EcsSim, t: TaskRecord): void {
  ipIndex(sim).set(t.ip, t.arn);
}

export function unindexTask(sim: EcsSim, t: TaskRecord): void {
  const idx = ipIndex(sim);
  if (idx.get(t.ip) === t.arn) idx.delete(t.ip);
}

export function taskAt(sim: EcsSim, ip: string): TaskRecord | undefined {
  const arn = ipIndex(sim).get(ip);
  return arn === undefined ? undefined : sim.state.tasks[arn];
}

/**
 * Creates the task's interface through the EC2 model (an address of its subnet, its groups, a public IP when asked).
 * Returns undefined when no EC2 model is registered; throws the EC2 error when the subnet is full.
 */
export function attachInterface(
  sim: EcsSim,
  subnet: string,
  groups: readonly string[],
  publicIp: boolean,
  taskId: string,
): { eniId: string; ip: string; publicIp: string | undefined; availabilityZone: string } | undefined {
  const ec2 = ec2Of(sim.cloud);
  if (!ec2) return undefined;
  return ec2.createInterface({
    subnetId: subnet,
    securityGroupIds: groups,
    publicIp,
    description: `arn:aws:ecs:${sim.cloud.region}:${sim.cloud.account}:attachment/${taskId}`,
  });
}

export function releaseInterface(sim: EcsSim, t: TaskRecord): void {
  if (t.eniId) ec2Of(sim.cloud)?.deleteInterface(t.eniId);
}

/** Why the task cannot pull its images (the stoppedReason), or undefined when it can. */
export function pullProblem(sim: EcsSim, t: TaskRecord): string | undefined {
  const ec2 = ec2Of(sim.cloud);
  if (!ec2?.subnet(t.subnet)) return undefined;
  if (ec2.internetProblem(t.subnet, t.publicIp !== undefined) === undefined) return undefined;
  const image = t.containers[0]?.image ?? '';
  const ref = image.includes('/') && image.split('/')[0]?.includes('.') ? image : `docker.io/${image}`;
  const [repo = '', tag = 'latest'] = ref.replace(/^docker\.io\//, '').split(':');
  const ip = `${sim.cloud.rng.int(3, 54)}.${sim.cloud.rng.int(0, 255)}.${sim.cloud.rng.int(0, 255)}.${sim.cloud.rng.int(1, 254)}`;
  return (
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ref}: ` +
    `failed to do request: Head "https://registry-1.docker.io/v2/${repo}/manifests/${tag}": dial tcp ${ip}:443: i/o timeout`
  );
}

/** The brokers a task's environment names (host:port items of any variable), resolved through the MSK model. */
function brokersOf(sim: EcsSim, t: TaskRecord): { endpoint: FlowEndpoint; port: number }[] {
  const kafka = kafkaOf(sim.cloud);
  if (!kafka) return [];
  const out: { endpoint: FlowEndpoint; port: number }[] = [];
  for (const value of t.kafkaEnv ?? []) {
    for (const item of value.split(',')) {
      const m = /^(?:[A-Z_]+:\/\/)?([a-z0-9.-]+\.kafka\.[a-z0-9-]+\.amazonaws\.com):(\d+)$/.exec(item.trim());
      if (!m?.[1]) continue;
      const endpoint = kafka.broker(m[1]);
      if (endpoint) out.push({ endpoint, port: Number(m[2]) });
    }
  }
  return out;
}

/**
 * When the task's Kafka client gives up (RUNNING + the image's timeout), or undefined when it reaches a broker or
 * names none the MSK model knows (external Kafka is outside the simulated network).
 */
export function kafkaGivesUpAt(sim: EcsSim, t: TaskRecord, startedAt: number): number | undefined {
  const ec2 = ec2Of(sim.cloud);
  const brokers = brokersOf(sim, t);
  if (!ec2 || brokers.length === 0) return undefined;
  const me = endpointOf(t);
  if (brokers.some((b) => ec2.flowAllowed(me, b.endpoint, b.port))) return undefined;
  const timeout = Math.max(...t.containers.map((c) => profileOf(c.image).kafkaTimeoutMs));
  return startedAt + timeout;
}

/** Environment values that look like a Kafka bootstrap list, kept on the task at launch. */
export function kafkaEnvOf(env: readonly { value?: string | undefined }[] | undefined): string[] {
  return (env ?? []).map((e) => e.value ?? '').filter((v) => /\.kafka\.[a-z0-9-]+\.amazonaws\.com:\d+/.test(v));
}

function answerOf(sim: EcsSim, t: TaskRecord, port: number, path: string, at: number): ContainerAnswer {
  if (t.lastStatus !== 'RUNNING' || t.startedAt === undefined) return { kind: 'refused' };
  const c = t.containers.find((x) => (x.ports ?? []).includes(port));
  if (!c) return { kind: 'refused' };
  const fault = sim.state.imageFaults?.[c.image];
  if (fault && 'neverListens' in fault) return { kind: 'refused' };
  const profile = profileOf(c.image);
  // A client that never reaches Kafka never finishes starting (it exits at its timeout).
  if (t.exitsAt !== undefined || at < t.startedAt + profile.startMs) return { kind: 'starting' };
  if (fault) return { kind: 'http', status: fault.status };
  const bare = path.split('?')[0] ?? path;
  return { kind: 'http', status: profile.paths === undefined || profile.paths.includes(bare) ? 200 : 404 };
}

export function probe(sim: EcsSim, ip: string, port: number, path: string, at: number): TaskProbe | undefined {
  const t = taskAt(sim, ip);
  if (!t) return undefined;
  return { endpoint: endpointOf(t), answer: answerOf(sim, t, port, path, at) };
}
