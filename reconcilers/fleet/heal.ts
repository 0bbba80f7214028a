/**
 * Self-healing: from an EventBridge event to the playground it concerns, then a pass now. ECS events name
 * the playground through the cluster name; other resources are matched against every playground's derived
 * names (cheap: names are computed, not read from AWS).
 */
import type { Playground } from '../../schemas/playground.js';
import { resolveComponent } from '../../schemas/catalog.js';
import type { EventTarget } from './events.js';
import { parseClusterName } from './events.js';
import { namesFor } from '../engine/names.js';

export interface HealStore {
  get(name: string): Promise<Playground | undefined>;
  list(opts?: { limit?: number; cursor?: string }): Promise<{ items: Playground[]; cursor?: string }>;
}

/**
 * Every AWS name the operator derives for a playground, and the ids its status records (`cache['<kind>/<key>']`:
 * security groups, Cloud Map ids), for matching events.
 */
export function derivedNames(doc: Playground): string[] {
  const uid = doc.metadata.uid ?? '';
  const n = namesFor(doc.metadata.name, uid);
  const comps = (doc.spec.components ?? []).map(resolveComponent);
  return [
    n.mskCluster,
    n.ecsCluster,
    n.namespace,
    n.loadBalancer,
    n.albSecurityGroup,
    n.tasksSecurityGroup,
    n.mskSecurityGroup,
    ...comps.map((c) => n.targetGroup(c.name, c.port)),
    ...comps.map((c) => n.taskFamily(c.name)),
    ...Object.entries(doc.status?.cache ?? {})
      .filter(([k]) => k.split('/').length === 2)
      .map(([, id]) => id),
  ];
}

export async function playgroundFor(target: EventTarget, store: HealStore): Promise<string | undefined> {
  if (target.clusterName) {
    const parsed = parseClusterName(target.clusterName);
    if (!parsed) return undefined;
    const doc = await store.get(parsed.playground);
    if (!doc?.metadata.uid) return undefined;
    // A playground re-created under the same name has a new uid: events about the old one are not its own.
    return namesFor(doc.metadata.name, doc.metadata.uid).uidHash === parsed.uidHash ? doc.metadata.name : undefined;
  }
  if (target.resourceNames.length === 0) return undefined;
  const wanted = new Set(target.resourceNames);
  let cursor: string | undefined;
  do {
    const page = await store.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    for (const doc of page.items) {
      if (derivedNames(doc).some((n) => wanted.has(n))) return doc.metadata.name;
    }
    cursor = page.cursor;
  } while (cursor);
  return undefined;
}
