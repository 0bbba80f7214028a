/**
 * One task-definition family per component, `kpo-<pg>-<uid6>-<component>`. Revisions are immutable and a
 * register always adds revision N+1 (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html),
 * so every revision carries `kpo.io/spec-hash`, the hash of its normalised definition, and a new one is
 * registered only when that hash changes. Tasks use awsvpc in both launch types: Cloud Map A records and ip
 * target groups need a task IP (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html).
 *
 * Steady state costs no read of its own: the service's task definition (from the one batched DescribeServices
 * shared with `ecs-service`) equal to the recorded ARN means the recorded hash still holds, revisions being
 * immutable. Superseded revisions are deregistered by `ecs-service` right after the service moved off them
 * (the only moment it is known they are no longer wanted); the remaining ones go when the family is deleted.
 */
import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { isAwsError } from '../../lib/aws.js';
import { assertNever } from '../../lib/errors.js';
import { componentEnv } from '../../schemas/catalog.js';
import { describeOurServices, knownKeys, revisionOf, tagsOf } from './common.js';
import {
  contentHash,
  contentOf,
  type EcsTaskDefinitionObserved,
  type EcsTaskDefinitionSpec,
  normaliseContent,
  planTaskDefinition,
  type TaskDefinitionContent,
} from './predicates.js';
import { isOwnedBy, toLowerKeyValue } from '../engine/ownership.js';
import type { AwsContext, Desire, DesireContext, KindModule, ObservedResource } from '../engine/types.js';

export type { EcsTaskDefinitionObserved, EcsTaskDefinitionSpec } from './predicates.js';

type Observed = ObservedResource<EcsTaskDefinitionObserved>;
const KIND = 'ecs-task-definition' as const;
export const TAG_SPEC_HASH = 'kpo.io/spec-hash';

function bootstrapServers(ctx: DesireContext): string | undefined {
  const k = ctx.playground.kafka;
  if (k.mode === 'external') return k.bootstrapServers || undefined;
  return ctx.world.get('msk-cluster', 'main')?.outputs.bootstrapServers || undefined;
}

function desire(ctx: DesireContext): Desire<EcsTaskDefinitionSpec>[] {
  if (ctx.deleting) return [];
  const { playground: pg, names, settings } = ctx;
  const bootstrap = bootstrapServers(ctx);
  const fargate = pg.compute.launchType === 'FARGATE';
  const role = settings.taskExecutionRoleArn;
  return pg.components.map((c) => {
    const name = names.taskFamily(c.name);
    if (c.needsKafka && !bootstrap) {
      return { kind: KIND, key: c.name, name, blockedOn: 'Kafka bootstrap servers are not known yet' };
    }
    const env = componentEnv(c, {
      playground: pg.name,
      bootstrapServers: bootstrap,
      authentication: pg.kafka.authentication,
      replicationFactor: pg.kafka.replicationFactor,
      namespace: names.namespace,
      components: pg.components,
    });
    // awslogs on Fargate needs the execution role to write logs; on EC2 the instance role does it.
    const logs = settings.logGroupName && (role || !fargate);
    const definition = normaliseContent({
      family: name,
      networkMode: 'awsvpc',
      requiresCompatibilities: [fargate ? 'FARGATE' : 'EC2'],
      cpu: String(c.cpu),
      memory: String(c.memoryMiB),
      ...(role ? { executionRoleArn: role } : {}),
      container: {
        name: c.name,
        image: c.image,
        port: c.port,
        environment: Object.entries(env),
        ...(logs
          ? { logs: { group: settings.logGroupName ?? '', region: settings.region, streamPrefix: pg.name } }
          : {}),
      },
    });
    return { kind: KIND, key: c.name, name, spec: { definition, specHash: contentHash(definition) } };
  });
}

export function registerInput(
  c: TaskDefinitionContent,
  tags: Record<string, string>,
): RegisterTaskDefinitionCommandInput {
  const { container: k } = c;
  return {
    family: c.family,
    networkMode: c.networkMode as RegisterTaskDefinitionCommandInput['networkMode'],
    requiresCompatibilities: c.requiresCompatibilities as RegisterTaskDefinitionCommandInput['requiresCompatibilities'],
    cpu: c.cpu,
    memory: c.memory,
    ...(c.executionRoleArn ? { executionRoleArn: c.executionRoleArn } : {}),
    containerDefinitions: [
      {
        name: k.name,
        image: k.image,
        essential: true,
        portMappings: k.port > 0 ? [{ containerPort: k.port, protocol: 'tcp' }] : [],
        environment: k.environment.map(([name, value]) => ({ name, value })),
        ...(k.logs
          ? {
              logConfiguration: {
                logDriver: 'awslogs',
                options: {
                  'awslogs-group': k.logs.group,
                  'awslogs-region': k.logs.region,
                  'awslogs-stream-prefix': k.logs.streamPrefix,
                },
              },
            }
          : {}),
      },
    ],
    tags: toLowerKeyValue(tags),
  };
}

function toObserved(key: string, td: TaskDefinition, tags: Record<string, string>, uid: string): Observed {
  const arn = td.taskDefinitionArn ?? '';
  const definition = contentOf(td);
  const specHash = tags[TAG_SPEC_HASH] ?? (definition ? contentHash(definition) : '');
  return {
    kind: KIND,
    key,
    id: arn,
    name: td.family ?? '',
    state: td.status ?? 'ACTIVE',
    phase: 'ready',
    owned: isOwnedBy(tags, uid),
    spec: { specHash, revision: td.revision ?? revisionOf(arn), ...(definition ? { definition } : {}) },
    outputs: { arn, revision: String(td.revision ?? revisionOf(arn)), specHash },
    ...(td.registeredAt ? { createdAt: td.registeredAt.getTime() } : {}),
  };
}

async function observe(ctx: AwsContext): Promise<Observed[]> {
  const services = await describeOurServices(ctx);
  const keys = [...new Set([...ctx.playground.components.map((c) => c.name), ...knownKeys(ctx, KIND)])].sort();
  const out: Observed[] = [];
  for (const key of keys) {
    const arn = ctx.known[`${KIND}/${key}`];
    const specHash = ctx.known[`${KIND}/${key}/specHash`];
    if (arn && specHash && services.get(key)?.taskDefinition === arn) {
      const revision = revisionOf(arn);
      out.push({
        kind: KIND,
        key,
        id: arn,
        name: ctx.names.taskFamily(key),
        state: 'ACTIVE',
        phase: 'ready',
        owned: true,
        spec: { specHash, revision },
        outputs: { arn, revision: String(revision), specHash },
      });
      continue;
    }
    try {
      const res = await ctx.aws.send(
        'ecs',
        new DescribeTaskDefinitionCommand({ taskDefinition: ctx.names.taskFamily(key), include: ['TAGS'] }),
      );
      if (res.taskDefinition) out.push(toObserved(key, res.taskDefinition, tagsOf(res.tags), ctx.playground.uid));
    } catch (err) {
      // A family with no ACTIVE revision is "unable to describe": nothing of ours is left.
      if (!isAwsError(err, 'ClientException')) throw err;
    }
  }
  return out;
}

/** Deregisters every ACTIVE revision of the family that carries our marks. */
async function deregisterFamily(ctx: AwsContext, family: string): Promise<void> {
  let nextToken: string | undefined;
  const arns: string[] = [];
  do {
    const page = await ctx.aws.send(
      'ecs',
      new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', ...(nextToken ? { nextToken } : {}) }),
    );
    arns.push(...(page.taskDefinitionArns ?? []).filter((a) => a.includes(`:task-definition/${family}:`)));
    nextToken = page.nextToken;
  } while (nextToken);
  for (const arn of arns) {
    const res = await ctx.aws.send(
      'ecs',
      new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
    );
    if (!isOwnedBy(tagsOf(res.tags), ctx.playground.uid)) continue;
    try {
      await ctx.aws.send('ecs', new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    } catch (err) {
      if (!isAwsError(err, 'ClientException')) throw err;
    }
  }
}

export const ecsTaskDefinitionKind: KindModule<EcsTaskDefinitionSpec, EcsTaskDefinitionObserved> = {
  kind: KIND,
  desire,
  observe,
  plan: (desired, observed) => planTaskDefinition(desired.spec, observed.spec),

  deleteBlockedBy(observed, ctx) {
    const svc = ctx.world.get('ecs-service', observed.key);
    return svc ? `ECS service ${svc.name} still uses it` : undefined;
  },

  async apply(ctx, step) {
    switch (step.type) {
      case 'create':
      case 'update':
      case 'replace': {
        const spec = step.desired.spec as unknown as EcsTaskDefinitionSpec;
        const tags = { ...ctx.tags, [TAG_SPEC_HASH]: spec.specHash };
        const out = await ctx.aws.send('ecs', new RegisterTaskDefinitionCommand(registerInput(spec.definition, tags)));
        if (!out.taskDefinition) return undefined;
        return toObserved(step.key, out.taskDefinition, tags, ctx.playground.uid);
      }
      case 'delete':
        await deregisterFamily(ctx, step.observed.name);
        return undefined;
      default:
        return assertNever(step, 'step');
    }
  },
};
