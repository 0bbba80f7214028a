/**
 * Pure "is it up to date" predicates for MSK, one per field, plus the content addressing of configurations.
 * Each predicate says whether AWS can make the change in place (`update`), cannot (`replace`: only a new cluster
 * can have it) or the document asks for something no cluster can have (`invalid`).
 */
import type { Authentication } from '../../schemas/playground.js';
import { shortHash } from '../engine/names.js';
import type { FieldChange, KindPlan } from '../engine/types.js';

export interface MskClusterSpec {
  kafkaVersion: string;
  brokers: number;
  instanceType: string;
  storageGiB: number;
  /** Sorted. */
  subnets: string[];
  /** Sorted. */
  securityGroups: string[];
  configurationArn: string;
  configurationRevision: number;
  /** Desired: a mode. Observed: `authenticationOf` the cluster (a mode, or `custom(…)`). */
  authentication: string;
}

export type Verdict =
  | { type: 'same' }
  | { type: 'update'; from: unknown; to: unknown }
  | { type: 'replace'; from: unknown; to: unknown; why: string }
  | { type: 'invalid'; why: string };

const SAME: Verdict = { type: 'same' };

/** `server.properties` text with keys sorted: the same properties always give the same bytes. */
export function serverPropertiesText(props: Record<string, string>): string {
  return Object.keys(props)
    .sort()
    .map((k) => `${k}=${props[k]}\n`)
    .join('');
}

/** Parses `server.properties` text back to key → value (comments and blank lines ignored). */
export function parseServerProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** The content hash a configuration's name ends with: Kafka version + sorted properties. */
export function configurationContentHash(kafkaVersion: string, props: Record<string, string>): string {
  return shortHash(`${kafkaVersion}\n${serverPropertiesText(props)}`, 8);
}

/** Kafka versions `a.b.c[.suffix]` numerically; NaN when either does not parse. */
export function compareKafkaVersions(a: string, b: string): number {
  const pa = a.split('.').slice(0, 3).map(Number);
  const pb = b.split('.').slice(0, 3).map(Number);
  if (pa.length < 3 || pb.length < 3 || [...pa, ...pb].some((n) => !Number.isInteger(n))) return Number.NaN;
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return a === b ? 0 : Number.NaN;
}

export function configurationVerdict(
  desired: { arn: string; revision: number },
  observed: { arn: string; revision: number },
): Verdict {
  if (desired.arn === observed.arn && desired.revision === observed.revision) return SAME;
  return { type: 'update', from: observed, to: desired };
}

/** Upgrades happen in place; downgrades (and changes between same-numbered builds) need a new cluster. */
export function kafkaVersionVerdict(desired: string, observed: string): Verdict {
  if (desired === observed) return SAME;
  const cmp = compareKafkaVersions(desired, observed);
  if (cmp > 0) return { type: 'update', from: observed, to: desired };
  return { type: 'replace', from: observed, to: desired, why: `Kafka ${observed} cannot be downgraded to ${desired}` };
}

/**
 * Growing needs a multiple of the AZ count. Shrinking removes one broker per AZ per operation, only on M5/M7g
 * brokers with Kafka ≥ 2.8.1 (https://docs.aws.amazon.com/msk/latest/developerguide/msk-remove-broker.html);
 * `to` is the next step, so a large shrink takes several operations.
 */
export function brokerCountVerdict(
  desired: number,
  observed: number,
  azs: number,
  instanceType: string,
  kafkaVersion: string,
): Verdict {
  if (desired === observed) return SAME;
  if (azs < 1 || desired % azs !== 0) {
    return { type: 'invalid', why: `brokers (${desired}) must be a multiple of the number of subnets (${azs})` };
  }
  if (desired > observed) return { type: 'update', from: observed, to: desired };
  const shrinkable = /^kafka\.(m5|m7g)\./.test(instanceType) && compareKafkaVersions(kafkaVersion, '2.8.1') >= 0;
  if (!shrinkable) {
    const why = `brokers can be removed only from M5/M7g clusters on Kafka 2.8.1 or later (this one: ${instanceType}, ${kafkaVersion})`;
    return { type: 'replace', from: observed, to: desired, why };
  }
  return { type: 'update', from: observed, to: Math.max(desired, observed - azs) };
}

/** EBS volumes only grow (https://docs.aws.amazon.com/msk/latest/developerguide/msk-update-storage.html). */
export function storageVerdict(desired: number, observed: number): Verdict {
  if (desired === observed) return SAME;
  if (desired > observed) return { type: 'update', from: observed, to: desired };
  return { type: 'replace', from: observed, to: desired, why: `broker storage cannot shrink from ${observed} GiB` };
}

export function instanceTypeVerdict(desired: string, observed: string): Verdict {
  return desired === observed ? SAME : { type: 'update', from: observed, to: desired };
}

/** `observed` is `authenticationOf` the cluster: a mode name only when it has exactly that mode's settings. */
export function authenticationVerdict(desired: Authentication, observed: string): Verdict {
  return desired === observed ? SAME : { type: 'update', from: observed, to: desired };
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/** Broker subnets are fixed at create. */
export function subnetsVerdict(desired: readonly string[], observed: readonly string[]): Verdict {
  if (sameSet(desired, observed)) return SAME;
  return { type: 'replace', from: observed, to: desired, why: 'broker subnets cannot change' };
}

/** Broker security groups are fixed at create; none desired means "the VPC default", whatever AWS chose. */
export function securityGroupsVerdict(desired: readonly string[], observed: readonly string[]): Verdict {
  if (desired.length === 0 || sameSet(desired, observed)) return SAME;
  return { type: 'replace', from: observed, to: desired, why: 'broker security groups cannot change' };
}

/** The client settings each authentication mode stands for. */
export const AUTH_SETTINGS: Record<Authentication, { clientBroker: string; unauthenticated: boolean; iam: boolean }> = {
  plaintext: { clientBroker: 'PLAINTEXT', unauthenticated: true, iam: false },
  tls: { clientBroker: 'TLS', unauthenticated: true, iam: false },
  iam: { clientBroker: 'TLS', unauthenticated: false, iam: true },
};

/** The mode a cluster's settings amount to, or `custom(…)` when they match none exactly. */
export function authenticationOf(s: {
  clientBroker: string;
  unauthenticated: boolean;
  iam: boolean;
  scram: boolean;
  mtls: boolean;
}): string {
  for (const [mode, want] of Object.entries(AUTH_SETTINGS)) {
    const match =
      s.clientBroker === want.clientBroker && s.unauthenticated === want.unauthenticated && s.iam === want.iam;
    if (match && !s.scram && !s.mtls) return mode;
  }
  const on = [s.unauthenticated && 'unauthenticated', s.iam && 'iam', s.scram && 'scram', s.mtls && 'mtls'];
  return `custom(${[s.clientBroker, ...on.filter(Boolean)].join(',')})`;
}

const change = (field: string, v: Extract<Verdict, { from: unknown }>): FieldChange => ({
  field,
  from: v.from,
  to: v.to,
});

/** The whole decision for an ACTIVE cluster: replacement first (no point updating a doomed cluster), then ONE update. */
export function planCluster(desired: MskClusterSpec, observed: MskClusterSpec, allowReplacement: boolean): KindPlan {
  const d = desired;
  const o = observed;
  const version = kafkaVersionVerdict(d.kafkaVersion, o.kafkaVersion);
  const brokers = brokerCountVerdict(d.brokers, o.brokers, o.subnets.length, o.instanceType, o.kafkaVersion);
  const fixed: [string, Verdict][] = [
    ['subnets', subnetsVerdict(d.subnets, o.subnets)],
    ['securityGroups', securityGroupsVerdict(d.securityGroups, o.securityGroups)],
    ['kafkaVersion', version],
    ['storageGiB', storageVerdict(d.storageGiB, o.storageGiB)],
    ['brokers', brokers],
  ];
  const replace = fixed.flatMap(([f, v]) => (v.type === 'replace' ? [{ f, v }] : []));
  if (replace.length > 0) {
    const changes = replace.map(({ f, v }) => change(f, v));
    const reason = replace.map(({ v }) => v.why).join('; ');
    return allowReplacement
      ? { type: 'replace', changes, reason }
      : {
          type: 'requires-replacement',
          changes,
          reason,
          hint: 'set spec.kafka.msk.allowReplacement: true to delete and re-create the cluster (its data is lost), or revert the change',
        };
  }
  if (brokers.type === 'invalid') return { type: 'wait', reason: `${brokers.why}; fix the document` };

  const configuration = configurationVerdict(
    { arn: d.configurationArn, revision: d.configurationRevision },
    { arn: o.configurationArn, revision: o.configurationRevision },
  );
  // A new Kafka version comes with a new (content-addressed) configuration made for it, so both go in the
  // same UpdateClusterKafkaVersion call; otherwise configuration first.
  if (version.type === 'update') {
    const changes = [change('kafkaVersion', version)];
    if (configuration.type === 'update') changes.push(change('configuration', configuration));
    return { type: 'update', changes };
  }
  const ordered: [string, Verdict][] = [
    ['configuration', configuration],
    ['brokers', brokers],
    ['storageGiB', storageVerdict(d.storageGiB, o.storageGiB)],
    ['instanceType', instanceTypeVerdict(d.instanceType, o.instanceType)],
    ['authentication', authenticationVerdict(d.authentication as Authentication, o.authentication)],
  ];
  for (const [field, v] of ordered) if (v.type === 'update') return { type: 'update', changes: [change(field, v)] };
  return { type: 'noop' };
}
