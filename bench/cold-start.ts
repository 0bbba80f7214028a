/** Lambda bundle sizes and their init time in a fresh node process, next to importing the SDK clients unbundled. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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

function importMs(specifiers: string[], runs: number): number {
  const code = `const t=performance.now();${specifiers.map((s) => `await import(${JSON.stringify(s)});`).join('')}console.log(performance.now()-t)`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('node', ['--input-type=module', '-e', code], {
      encoding: 'utf8',
      cwd: resolve('.'),
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: 'us-east-1' },
    });
    times.push(Number(r.stdout.trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export function coldStart(runs = 5) {
  if (!existsSync('dist/api/index.mjs')) execFileSync('node', ['scripts/build.mjs'], { stdio: 'ignore' });
  const sdkMs = importMs(SDK, runs);
  const functions = readdirSync('dist').filter((d) => existsSync(join('dist', d, 'index.mjs')));
  return {
    sdkUnbundledMs: sdkMs,
    bundles: functions.map((fn) => {
      const file = join('dist', fn, 'index.mjs');
      const initMs = importMs([pathToFileURL(resolve(file)).href], runs);
      return { fn, kib: statSync(file).size / 1024, initMs, ratio: initMs / sdkMs };
    }),
  };
}
