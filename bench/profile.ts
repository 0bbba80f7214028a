/**
 * `npx tsx bench/profile.ts [N…]`: runs the fleet benchmark for each size and prints wall times, to find
 * superlinear cost. For a CPU profile: `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts 300`
 * then `npx tsx bench/profile-top.ts /tmp/prof/<file>.cpuprofile`.
 */
import { fleet } from './fleet.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
for (const n of sizes.length > 0 ? sizes : [100, 300]) {
  const started = Date.now();
  const r = await fleet(n);
  process.stdout.write(
    `fleet ${n}: setup ${(r.setupWallMs / 1000).toFixed(1)} s, sweep ${(r.sweepWallMs / 1000).toFixed(1)} s wall / ${Math.round(r.sweepSimMs / 1000)} s sim, steady window ${((r.steady?.windowWallMs ?? 0) / 1000).toFixed(1)} s wall, total ${((Date.now() - started) / 1000).toFixed(1)} s, rss ${r.peakRssMb} MB\n`,
  );
  process.stdout.write(`${JSON.stringify({ period: r.resyncPeriodMs, binding: r.bindingBucket, steady: r.steady })}\n`);
}
