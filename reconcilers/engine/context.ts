/** The per-pass context every module's observe and apply receive. One factory, used by the engine and tests. */
import type { Aws } from '../../lib/aws.js';
import type { Clock } from '../../lib/clock.js';
import { namesFor } from './names.js';
import { ownershipTags } from './ownership.js';
import type { ResolvedPlayground } from './resolve.js';
import type { AwsContext, World } from './types.js';

export function awsContext(input: {
  aws: Aws;
  clock: Clock;
  playground: ResolvedPlayground;
  world: World;
  known?: Record<string, string>;
}): AwsContext {
  const { playground } = input;
  const memo = new Map<string, Promise<unknown>>();
  return {
    aws: input.aws,
    clock: input.clock,
    playground,
    names: namesFor(playground.name, playground.uid),
    tags: ownershipTags(playground.name, playground.uid),
    world: input.world,
    known: { ...(input.known ?? {}) },
    memo: <T>(key: string, load: () => Promise<T>) => {
      let p = memo.get(key);
      if (!p) {
        p = load();
        memo.set(key, p);
      }
      return p as Promise<T>;
    },
  };
}
