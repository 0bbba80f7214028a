/** The observed world of one playground: every resource observed this pass, by kind and key. */
import type { KindName, ObservedResource, World } from './types.js';

export class MutableWorld implements World {
  private readonly byKind = new Map<KindName, Map<string, ObservedResource>>();

  get(kind: KindName, key: string): ObservedResource | undefined {
    return this.byKind.get(kind)?.get(key);
  }

  list(kind: KindName): ObservedResource[] {
    return [...(this.byKind.get(kind)?.values() ?? [])];
  }

  all(): ObservedResource[] {
    return [...this.byKind.values()].flatMap((m) => [...m.values()]);
  }

  set(resource: ObservedResource): void {
    let m = this.byKind.get(resource.kind);
    if (!m) {
      m = new Map();
      this.byKind.set(resource.kind, m);
    }
    m.set(resource.key, resource);
  }

  delete(kind: KindName, key: string): void {
    this.byKind.get(kind)?.delete(key);
  }

  /** Owned resources still present (what teardown waits for). */
  owned(): ObservedResource[] {
    return this.all().filter((r) => r.owned);
  }
}
