/**
 * Lambda bundle sizes and cold start, next to importing the SDK clients unbundled, measured in this run.
 *
 * Each figure is a fresh `node` process (what a new Lambda execution environment does), timed inside it with
 * performance.now() from before the first import to after the last, so node's own start-up is left out of
 * both sides:
 * - baseline: importing the eight SDK v3 clients the operator uses, unbundled, from node_modules;
 * - init: importing the function's dist/<name>/index.mjs (what Lambda does before the first invocation),
 *   with whatever it imports statically (its chunks, and the SDK from node_modules when KPO_BUNDLE_SDK=0);
 * - first invocation's extra load: in the same process after init, importing every lazy chunk of the
 *   operator's own (the runtime with the engine, its kinds and their clients; the api's validators and
 *   planner). That is the most any first invocation imports: a reconcile pass, or a PUT then a plan. The
 *   chunks only the SDK imports (credential providers other than the environment's, event streams) are left
 *   out: these functions do not take those paths on Lambda (test/functions/bundle-smoke.test.ts checks that
 *   what invocations load is among the chunks counted here).
 * Runs interleave (baseline, then each bundle, round after round) so drift in the machine's speed falls on
 * every figure alike; medians are reported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const SDK = [
  '@aws-sdk/client-kafka',
  '@aws-sdk/client-ecs',
  '@aws-sdk/client-servicediscovery',
  '@aws-sdk/client-elastic-load-balancing-v2',
  '@aws-sdk/client-ec2',
  '@aws-sdk/client-resource-groups-tagging-api',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
];

/** What scripts/build.mjs writes to dist/sizes.json for each function. */
export interface BundleSizes {
  initBytes: number;
  initFiles: string[];
  lazyBytes: number;
  lazyFiles: string[];
  sdkOwnLazyBytes: number;
  dirBytes: number;
  files: number;
  sdk: 'bundled' | 'external';
}

export interface BundleColdStart {
  fn: string;
  /** Loaded at init: index.mjs and the chunks it imports statically. */
  initKib: number;
  lazyKib: number;
  dirKib: number;
  sdk: BundleSizes['sdk'];
  initMs: number;
  /** The first invocation's extra load (every lazy chunk of the operator's own). */
  firstInvocationLoadMs: number;
  /** initMs / the baseline. */
  ratio: number;
  /** (initMs + firstInvocationLoadMs) / the baseline. */
  coldRatio: number;
}

export interface ColdStartResult {
  runs: number;
  sdkUnbundledMs: number;
  targetRatio: number;
  initLimitBytes: number;
  bundles: BundleColdStart[];
}

export const TARGET_RATIO = 0.35;
export const INIT_LIMIT_BYTES = 400 * 1000;

const ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: 'us-east-1' };

/** One fresh node: ms to import `first`, then ms to import `then` (in order). */
function timeImports(first: string[], then: string[]): [number, number] {
  const imports = (specs: string[]) => specs.map((s) => `await import(${JSON.stringify(s)});`).join('');
  const code = `const t0=performance.now();${imports(first)}const t1=performance.now();${imports(then)}const t2=performance.now();console.log(JSON.stringify([t1-t0,t2-t1]))`;
  const r = spawnSync('node', ['--input-type=module', '-e', code], { encoding: 'utf8', cwd: resolve('.'), env: ENV });
  if (r.status !== 0) throw new Error(`cold-start probe failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '[]') as [number, number];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Builds the bundles afresh (what is measured is the tree as it is), then measures `runs` rounds. */
export function coldStart(runs = 7): ColdStartResult {
  const built = spawnSync('node', ['scripts/build.mjs'], { encoding: 'utf8', env: ENV });
  if (!existsSync('dist/sizes.json')) throw new Error(`npm run bundle failed: ${built.stderr}`);
  const sizes = JSON.parse(readFileSync('dist/sizes.json', 'utf8')) as Record<string, BundleSizes>;
  const fns = Object.keys(sizes).filter((fn) => existsSync(join('dist', fn, 'index.mjs')));
  const url = (fn: string, file: string) => pathToFileURL(resolve('dist', fn, file)).href;
  const baseline: number[] = [];
  const init = new Map<string, number[]>(fns.map((f) => [f, []]));
  const extra = new Map<string, number[]>(fns.map((f) => [f, []]));
  for (let i = 0; i < runs; i++) {
    baseline.push(timeImports(SDK, [])[0]);
    for (const fn of fns) {
      const s = sizes[fn] as BundleSizes;
      const [a, b] = timeImports(
        [url(fn, 'index.mjs')],
        s.lazyFiles.map((f) => url(fn, f)),
      );
      init.get(fn)?.push(a);
      extra.get(fn)?.push(b);
    }
  }
  const sdkMs = median(baseline);
  return {
    runs,
    sdkUnbundledMs: sdkMs,
    targetRatio: TARGET_RATIO,
    initLimitBytes: INIT_LIMIT_BYTES,
    bundles: fns.map((fn) => {
      const s = sizes[fn] as BundleSizes;
      const initMs = median(init.get(fn) ?? []);
      const firstInvocationLoadMs = median(extra.get(fn) ?? []);
      return {
        fn,
        initKib: s.initBytes / 1024,
        lazyKib: s.lazyBytes / 1024,
        dirKib: s.dirBytes / 1024,
        sdk: s.sdk,
        initMs,
        firstInvocationLoadMs,
        ratio: initMs / sdkMs,
        coldRatio: (initMs + firstInvocationLoadMs) / sdkMs,
      };
    }),
  };
}

/** `npx tsx bench/cold-start.ts [runs]`: this measurement alone. */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = coldStart(Number(process.argv[2] ?? 7));
  process.stdout.write(
    `baseline: the eight SDK clients imported unbundled ${r.sdkUnbundledMs.toFixed(0)} ms (median of ${r.runs} fresh node processes)\n`,
  );
  for (const b of r.bundles) {
    process.stdout.write(
      `${b.fn.padEnd(20)} init ${b.initKib.toFixed(0).padStart(4)} KiB ${b.initMs.toFixed(0).padStart(5)} ms ×${b.ratio.toFixed(2)} ${b.ratio <= r.targetRatio ? 'met' : 'MISSED'}` +
        ` | first invocation +${b.firstInvocationLoadMs.toFixed(0)} ms (${b.lazyKib.toFixed(0)} KiB), init+first ×${b.coldRatio.toFixed(2)}\n`,
    );
  }
}
