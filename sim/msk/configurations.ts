/**
 * MSK configurations (https://docs.aws.amazon.com/msk/latest/developerguide/msk-configuration-operations.html,
 * states: https://docs.aws.amazon.com/msk/latest/developerguide/msk-configuration-states.html, limits:
 * https://docs.aws.amazon.com/msk/latest/developerguide/limits.html). They take no tags at create; updating one
 * only adds a revision that clusters pick up with UpdateClusterConfiguration; deletion is refused while any
 * cluster uses it.
 */
import type {
  Configuration,
  CreateConfigurationRequest,
  CreateConfigurationResponse,
  DeleteConfigurationResponse,
  DescribeConfigurationRevisionResponse,
  ListConfigurationsRequest,
  ListConfigurationsResponse,
  UpdateConfigurationRequest,
  UpdateConfigurationResponse,
} from '@aws-sdk/client-kafka';
import { bad, type ConfigurationRecord, conflict, type KafkaSim, notFound, paginate, resourceSuffix } from './state.js';

const NAME = /^[0-9A-Za-z][0-9A-Za-z-]*$/;
const MAX_CONFIGURATIONS = 100;
const MAX_REVISIONS = 50;

function propertiesBase64(sim: KafkaSim, value: Uint8Array | string | undefined): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value ? Buffer.from(value) : Buffer.alloc(0);
  if (bytes.length === 0) throw bad(sim, 'ServerProperties is required.');
  return bytes.toString('base64');
}

function findConfiguration(sim: KafkaSim, arn: string | undefined): ConfigurationRecord {
  const c = arn ? sim.state.configurations[arn] : undefined;
  if (!c || !sim.cloud.visible(c.createdAt)) throw notFound(sim, `The configuration ${arn ?? ''} does not exist.`);
  return c;
}

function latest(c: ConfigurationRecord) {
  const r = c.revisions[c.revisions.length - 1];
  return r
    ? {
        CreationTime: new Date(r.createdAt),
        Revision: r.revision,
        ...(r.description ? { Description: r.description } : {}),
      }
    : undefined;
}

function shape(c: ConfigurationRecord): Configuration {
  return {
    Arn: c.arn,
    CreationTime: new Date(c.createdAt),
    Description: c.description,
    KafkaVersions: [...c.kafkaVersions],
    LatestRevision: latest(c),
    Name: c.name,
    State: c.state,
  };
}

/** Whether any cluster (in any state, DELETING included) uses or is moving to this configuration. */
export function configurationInUse(sim: KafkaSim, arn: string): boolean {
  return Object.values(sim.state.clusters).some(
    (c) => c.configuration?.arn === arn || c.pending?.configuration?.arn === arn,
  );
}

export function createConfiguration(sim: KafkaSim, input: CreateConfigurationRequest): CreateConfigurationResponse {
  const name = input.Name ?? '';
  if (!NAME.test(name)) throw bad(sim, `Name must match ${NAME.source}.`);
  const properties = propertiesBase64(sim, input.ServerProperties as Uint8Array | string | undefined);
  const all = Object.values(sim.state.configurations);
  if (all.some((c) => c.name === name)) throw conflict(sim, 'A resource with this name already exists.');
  // The quota is documented; the exact rejection is not, so this follows the service's usual 400.
  if (all.length >= MAX_CONFIGURATIONS) {
    throw bad(sim, `You have reached the limit of ${MAX_CONFIGURATIONS} configurations per account.`);
  }
  const now = sim.cloud.clock.now();
  const arn = sim.cloud.arn('kafka', `configuration/${name}/${resourceSuffix(sim)}`);
  const record: ConfigurationRecord = {
    arn,
    name,
    description: input.Description ?? '',
    kafkaVersions: [...(input.KafkaVersions ?? [])],
    createdAt: now,
    state: 'ACTIVE',
    revisions: [{ revision: 1, description: input.Description, createdAt: now, serverProperties: properties }],
    deleteAt: undefined,
    failDelete: false,
  };
  sim.state.configurations[arn] = record;
  return { Arn: arn, CreationTime: new Date(now), LatestRevision: latest(record), Name: name, State: 'ACTIVE' };
}

export function describeConfiguration(sim: KafkaSim, arn: string | undefined): Configuration {
  return shape(findConfiguration(sim, arn));
}

export function describeConfigurationRevision(
  sim: KafkaSim,
  arn: string | undefined,
  revision: number | undefined,
): DescribeConfigurationRevisionResponse {
  const c = findConfiguration(sim, arn);
  const r = c.revisions.find((x) => x.revision === revision);
  if (!r) throw notFound(sim, `Revision ${revision} of configuration ${c.name} does not exist.`);
  return {
    Arn: c.arn,
    CreationTime: new Date(r.createdAt),
    ...(r.description ? { Description: r.description } : {}),
    Revision: r.revision,
    ServerProperties: new Uint8Array(Buffer.from(r.serverProperties, 'base64')),
  };
}

export function listConfigurations(sim: KafkaSim, input: ListConfigurationsRequest): ListConfigurationsResponse {
  const all = Object.values(sim.state.configurations)
    .filter((c) => sim.cloud.visible(c.createdAt))
    .sort((a, b) => a.createdAt - b.createdAt || a.arn.localeCompare(b.arn));
  const { page, next } = paginate(sim, all, input.MaxResults, input.NextToken, 10);
  return { Configurations: page.map(shape), ...(next ? { NextToken: next } : {}) };
}

function usable(sim: KafkaSim, c: ConfigurationRecord): void {
  if (c.state !== 'ACTIVE' && c.state !== 'DELETE_FAILED') {
    throw bad(sim, `The configuration is in ${c.state} state; operations are allowed in ACTIVE or DELETE_FAILED.`);
  }
}

export function updateConfiguration(sim: KafkaSim, input: UpdateConfigurationRequest): UpdateConfigurationResponse {
  const c = findConfiguration(sim, input.Arn);
  usable(sim, c);
  const properties = propertiesBase64(sim, input.ServerProperties as Uint8Array | string | undefined);
  if (c.revisions.length >= MAX_REVISIONS) {
    throw bad(sim, `A configuration can have at most ${MAX_REVISIONS} revisions.`);
  }
  const revision = (c.revisions[c.revisions.length - 1]?.revision ?? 0) + 1;
  c.revisions.push({
    revision,
    description: input.Description,
    createdAt: sim.cloud.clock.now(),
    serverProperties: properties,
  });
  return { Arn: c.arn, LatestRevision: latest(c) };
}

export function deleteConfiguration(sim: KafkaSim, arn: string | undefined): DeleteConfigurationResponse {
  const c = findConfiguration(sim, arn);
  usable(sim, c);
  if (configurationInUse(sim, c.arn)) throw bad(sim, 'Configuration is in use by one or more clusters.');
  c.state = 'DELETING';
  c.deleteAt = sim.cloud.clock.now() + sim.timings.configDeleteMs;
  return { Arn: c.arn, State: 'DELETING' };
}
