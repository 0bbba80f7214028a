/** The document with every default applied: what the reconciler works from. Pure. */
import { type ResolvedComponent, resolveComponent } from '../../schemas/catalog.js';
import type { Authentication, Playground } from '../../schemas/playground.js';
import { parseDuration } from '../../schemas/duration.js';

export interface ResolvedMsk {
  mode: 'msk';
  kafkaVersion: string;
  brokers: number;
  instanceType: string;
  storageGiB: number;
  replicationFactor: number;
  minInSyncReplicas: number;
  /** Full server.properties content as key → value, including replication factor and min ISR. */
  serverProperties: Record<string, string>;
  authentication: Authentication;
  allowReplacement: boolean;
  /** Sources besides the playground's tasks that may reach the brokers. */
  clientAccess: { cidrs: string[]; securityGroupIds: string[] };
}

export interface ResolvedExternal {
  mode: 'external';
  bootstrapServers: string;
  authentication: Authentication;
  replicationFactor: number;
}

export interface ResolvedPlayground {
  name: string;
  uid: string;
  generation: number;
  labels: Record<string, string>;
  kafka: ResolvedMsk | ResolvedExternal;
  network: {
    vpcId: string;
    subnetIds: string[];
    securityGroupIds: string[];
    allowedCidrs: string[];
    loadBalancerScheme: 'internal' | 'internet-facing';
    assignPublicIp: boolean;
  };
  compute: { launchType: 'FARGATE' | 'EC2'; capacityProvider: string | undefined };
  components: ResolvedComponent[];
  ttlMs: number | undefined;
}

export function resolvePlayground(doc: Playground): ResolvedPlayground {
  const { spec, metadata } = doc;
  const msk = spec.kafka.msk;
  const kafka: ResolvedMsk | ResolvedExternal = msk
    ? {
        mode: 'msk',
        kafkaVersion: msk.kafkaVersion,
        brokers: msk.brokers,
        instanceType: msk.instanceType,
        storageGiB: msk.storageGiB,
        replicationFactor: msk.replicationFactor,
        minInSyncReplicas: msk.minInSyncReplicas,
        serverProperties: {
          ...Object.fromEntries(Object.entries(msk.serverProperties ?? {}).map(([k, v]) => [k, String(v)])),
          'default.replication.factor': String(msk.replicationFactor),
          'min.insync.replicas': String(msk.minInSyncReplicas),
        },
        authentication: msk.authentication ?? 'plaintext',
        clientAccess: {
          cidrs: [...(msk.clientAccess?.cidrs ?? [])],
          securityGroupIds: [...(msk.clientAccess?.securityGroupIds ?? [])],
        },
        allowReplacement: msk.allowReplacement ?? false,
      }
    : {
        mode: 'external',
        bootstrapServers: spec.kafka.external?.bootstrapServers ?? '',
        authentication: spec.kafka.external?.authentication ?? 'plaintext',
        replicationFactor: 3,
      };
  return {
    name: metadata.name,
    uid: metadata.uid ?? '',
    generation: metadata.generation ?? 1,
    labels: metadata.labels ?? {},
    kafka,
    network: {
      vpcId: spec.network.vpcId,
      subnetIds: [...spec.network.subnetIds],
      securityGroupIds: [...(spec.network.securityGroupIds ?? [])],
      allowedCidrs: [...(spec.network.allowedCidrs ?? [])],
      loadBalancerScheme: spec.network.loadBalancerScheme ?? 'internal',
      assignPublicIp: spec.network.assignPublicIp ?? false,
    },
    compute: {
      launchType: spec.compute?.launchType ?? 'FARGATE',
      capacityProvider: spec.compute?.capacityProvider,
    },
    components: (spec.components ?? []).map(resolveComponent),
    ttlMs: spec.ttl === undefined ? undefined : parseDuration(spec.ttl),
  };
}
