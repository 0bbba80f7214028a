// The worker-sized child process of bench/worker.ts: the built reconcile-worker bundle in a plain node process,
// as Lambda runs it. Imports dist/reconcile-worker/index.mjs, then invokes its exported `handler` once per event
// of the events file, and prints one JSON line: RSS and heap after init (before any invocation), then, per
// invocation, the peak RSS so far (VmHWM, the kernel's high-water mark of the process) and the peak heap while
// it ran (sampled every few milliseconds), with the handler's result.
//   node bench/worker-probe.mjs <dist/reconcile-worker> <events.json> <timeoutMs> <memoryMb>
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, eventsFile, timeoutMs, memoryMb] = process.argv.slice(2);
const MB = 1024 * 1024;
const mb = (bytes) => Math.round((bytes / MB) * 10) / 10;

/** The kernel's figures for this process, in bytes (VmHWM: peak resident set; VmRSS: resident now). */
function vm(field) {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  const kb = Number(line?.split(/\s+/)[1]);
  return Number.isFinite(kb) ? kb * 1024 : process.resourceUsage().maxRSS * 1024;
}

function context(n) {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'reconcile-worker',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:reconcile-worker',
    memoryLimitInMB: memoryMb,
    awsRequestId: `bench-${n}`,
    logGroupName: '/aws/lambda/reconcile-worker',
    logStreamName: '2026/01/01/[$LATEST]bench',
    getRemainingTimeInMillis: () => Math.max(0, Number(timeoutMs) - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
const mod = await import(pathToFileURL(join(resolve(dir), 'index.mjs')).href);
const init = {
  rssMb: mb(process.memoryUsage().rss),
  peakRssMb: mb(vm('VmHWM')),
  heapMb: mb(process.memoryUsage().heapUsed),
};
const invocations = [];
for (const [i, event] of events.entries()) {
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 5);
  const started = Date.now();
  let result;
  let error;
  try {
    result = await mod.handler(event, context(i + 1));
  } catch (err) {
    error = String(err?.stack ?? err);
  }
  clearInterval(sampler);
  const after = process.memoryUsage();
  peakHeap = Math.max(peakHeap, after.heapUsed);
  invocations.push({
    records: event.Records.length,
    result,
    error,
    wallMs: Date.now() - started,
    heapBeforeMb: mb(before.heapUsed),
    peakHeapMb: mb(peakHeap),
    rssAfterMb: mb(after.rss),
    peakRssSoFarMb: mb(vm('VmHWM')),
  });
}
process.stdout.write(`${JSON.stringify({ init, invocations, peakRssMb: mb(vm('VmHWM')) })}\n`);
