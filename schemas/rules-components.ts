/**
 * Domain rules for components: unique names and listener ports, dependencies between kinds, what `custom`
 * must spell out, and the CPU/memory pairs Fargate accepts
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size).
 */
import { CATALOG, fargateMemoryOptions, usesSchemaRegistry } from './catalog.js';
import { quote } from './ajv-issues.js';
import { type DocView, type IssueSink, pointer } from './doc-view.js';
import type { Component, ComponentKind } from './playground.js';

const FARGATE_CPUS = [256, 512, 1024, 2048, 4096, 8192, 16384];
const VALUE_FORMATS = ['avro', 'json', 'protobuf', 'string'] as const;
const FORMAT_KINDS: readonly ComponentKind[] = ['connect', 'ksqldb'];

function isKind(value: string | undefined): value is ComponentKind {
  return value !== undefined && Object.hasOwn(CATALOG, value);
}

interface Seen {
  index: number;
  label: string;
}

/** `2048 to 8192 in steps of 1024` for long lists, `512, 1024 or 2048` for short ones. */
export function describeNumbers(values: readonly number[]): string {
  const [first, second] = values;
  const last = values.at(-1);
  if (values.length > 4 && first !== undefined && second !== undefined && last !== undefined) {
    return `${first} to ${last} in steps of ${second - first}`;
  }
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${last}`;
}

/** Names (or positions) of the components with an `expose` block. */
export function exposedComponents(v: DocView): string[] {
  const out: string[] = [];
  (v.list('/spec/components') ?? []).forEach((_, i) => {
    if (v.record(pointer('spec', 'components', i, 'expose'))) {
      out.push(v.str(pointer('spec', 'components', i, 'name')) ?? `components[${i}]`);
    }
  });
  return out;
}

export function componentRules(v: DocView, out: IssueSink): void {
  const list = v.list('/spec/components');
  if (!list) return;
  const kinds = new Set<ComponentKind>();
  list.forEach((_, i) => {
    const kind = v.str(pointer('spec', 'components', i, 'kind'));
    if (isKind(kind)) kinds.add(kind);
  });
  const names = new Map<string, Seen>();
  const ports = new Map<number, Seen>();
  const fargate = (v.str('/spec/compute/launchType') ?? 'FARGATE') === 'FARGATE';
  list.forEach((_, i) => {
    const at = (...rest: string[]) => pointer('spec', 'components', i, ...rest);
    if (!v.record(at())) return;
    const name = v.str(at('name'));
    const label = name === undefined ? `components[${i}]` : quote(name);
    if (name !== undefined) {
      const first = names.get(name);
      if (first) {
        out.error(
          at('name'),
          'DuplicateComponentName',
          `the name ${label} is already used by components[${first.index}]; give each component a unique name (it becomes its ECS service and its DNS name ${name}.<namespace>)`,
        );
      } else names.set(name, { index: i, label });
    }
    const port = v.int(at('expose', 'port'));
    if (port !== undefined) {
      const first = ports.get(port);
      if (first) {
        out.error(
          at('expose', 'port'),
          'DuplicateExposePort',
          `port ${port} is already exposed by ${first.label} (components[${first.index}]); the load balancer has one listener per port, so choose another port`,
        );
      } else ports.set(port, { index: i, label });
    }
    const kind = v.str(at('kind'));
    if (!isKind(kind)) return;
    for (const needed of CATALOG[kind].requires) {
      if (kinds.has(needed)) continue;
      out.error(
        at('kind'),
        'MissingDependency',
        `${kind} ${label} is the UI of a ${needed} and has nothing to show without one; add a component { name: ${needed}, kind: ${needed} }, or remove this one`,
      );
    }
    schemaRegistryRules(v, out, i, kind, label, kinds);
    if (kind === 'custom') customRules(v, out, i, label);
    if (fargate) fargateRules(v, out, i, kind, label);
  });
}

function schemaRegistryRules(
  v: DocView,
  out: IssueSink,
  i: number,
  kind: ComponentKind,
  label: string,
  kinds: ReadonlySet<ComponentKind>,
): void {
  const at = (field: string) => pointer('spec', 'components', i, field);
  const format = VALUE_FORMATS.find((f) => f === v.str(at('valueFormat')));
  if (format && !FORMAT_KINDS.includes(kind)) {
    out.warn(
      at('valueFormat'),
      'ValueFormatIgnored',
      `valueFormat only configures connect and ksqldb components; ${kind} ${label} ignores it, so remove it`,
    );
  }
  const component: Component = {
    name: '',
    kind,
    env: v.strings(`${pointer('spec', 'components', i)}/env`),
    ...(format ? { valueFormat: format } : {}),
  };
  if (kind === 'schema-registry' || kinds.has('schema-registry') || !usesSchemaRegistry(component)) return;
  const viaFormat = format === 'avro' || format === 'protobuf';
  out.error(
    viaFormat ? at('valueFormat') : at('env'),
    'SchemaRegistryRequired',
    `${label} serialises with ${viaFormat ? `valueFormat ${format}` : 'an Avro or Protobuf converter set in env'}, which stores schemas in a schema registry, and this playground has none; add a component { name: schema-registry, kind: schema-registry }, or use valueFormat json`,
  );
}

function customRules(v: DocView, out: IssueSink, i: number, label: string): void {
  const at = (field: string) => pointer('spec', 'components', i, field);
  if (!v.has(at('image'))) {
    out.error(
      at('image'),
      'CustomImageRequired',
      `custom component ${label} has no default image; set image to the container image to run, e.g. nginx:1.27`,
    );
  }
  if (!v.has(at('port'))) {
    out.error(
      at('port'),
      'CustomPortRequired',
      `custom component ${label} has no default port; set port to the port its container listens on`,
    );
  }
}

function fargateRules(v: DocView, out: IssueSink, i: number, kind: ComponentKind, label: string): void {
  const cpuPath = pointer('spec', 'components', i, 'cpu');
  const memPath = pointer('spec', 'components', i, 'memoryMiB');
  const cpu = v.written(cpuPath) ? v.int(cpuPath) : CATALOG[kind].cpu;
  const mem = v.written(memPath) ? v.int(memPath) : CATALOG[kind].memoryMiB;
  if (cpu === undefined || mem === undefined) return;
  const options = fargateMemoryOptions(cpu);
  if (!options) {
    out.error(
      cpuPath,
      'FargateCpuInvalid',
      `Fargate runs tasks with cpu ${describeNumbers(FARGATE_CPUS)} (1024 = 1 vCPU), not ${cpu}; pick one of those for ${label}`,
    );
    return;
  }
  if (options.includes(mem)) return;
  const cpuNote = v.written(cpuPath) ? '' : ` (the default for ${kind})`;
  const memNote = v.written(memPath) ? '' : ` (the default for ${kind})`;
  const fitting = FARGATE_CPUS.filter((c) => fargateMemoryOptions(c)?.includes(mem));
  const alternative = fitting.length > 0 ? `, or keep memoryMiB ${mem} and set cpu to ${describeNumbers(fitting)}` : '';
  out.error(
    v.written(memPath) || !v.written(cpuPath) ? memPath : cpuPath,
    'FargateMemoryInvalid',
    `Fargate does not run cpu ${cpu}${cpuNote} with memoryMiB ${mem}${memNote} for ${label}: with cpu ${cpu}, memoryMiB must be ${describeNumbers(options)}${alternative}`,
  );
}
