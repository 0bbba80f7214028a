/** One orphan sweep: MSK configurations deleted, tagged orphans handed to the engine through tombstones. */
import type { Aws } from '../../lib/aws.js';
import { adoptOrphans, findTaggedOrphans, type GcFinding, sweepConfigurations, type TombstoneStore } from './gc.js';

export interface CollectOptions {
  aws: Aws;
  store: TombstoneStore;
  now: number;
  graceMs: number;
  dryRun: boolean;
}

export interface CollectResult {
  configurations: GcFinding[];
  orphans: GcFinding[];
  tombstones: Awaited<ReturnType<typeof adoptOrphans>>;
}

export async function collectGarbage(opts: CollectOptions): Promise<CollectResult> {
  const configurations = await sweepConfigurations(opts);
  const orphans = await findTaggedOrphans(opts);
  const tombstones = await adoptOrphans(orphans, opts.store, opts.now, opts.dryRun);
  return { configurations, orphans, tombstones };
}
