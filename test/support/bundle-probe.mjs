// A built Lambda bundle in a fresh node process, as Lambda runs it: imports dist/<name>/index.mjs, then invokes
// its exported `handler` with each event of a steps file, and writes, as JSON to the output file, which files
// of dist/<name>/ were loaded at import (init) and which each invocation loaded on top, with each result, and
// which files from outside dist/<name>/ were loaded at all.
//   node test/support/bundle-probe.mjs <dist/name> <steps.json> <out.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [dir, stepsFile, outFile] = process.argv.slice(2);
const log = join(tmpdir(), `kpo-probe-${process.pid}.log`);
writeFileSync(log, '');
register('./bundle-probe-hooks.mjs', import.meta.url, { data: { log } });

const root = resolve(dir);
const here = fileURLToPath(new URL('.', import.meta.url));
const seen = new Set();
/** Files from outside the bundle's directory (a self-contained asset loads none but node's own). */
const outside = [];
/** Files of the bundle's directory loaded since the last call, relative to it. */
function newlyLoaded() {
  const out = [];
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    if (!url || seen.has(url)) continue;
    seen.add(url);
    const path = fileURLToPath(url);
    if (path.startsWith(`${root}/`)) out.push(relative(root, path));
    else if (!path.startsWith(here)) outside.push(path);
  }
  return out.sort();
}

function context(name) {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: `probe-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2026/01/01/[$LATEST]probe',
    getRemainingTimeInMillis: () => Math.max(0, 120_000 - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const steps = JSON.parse(readFileSync(stepsFile, 'utf8'));
const mod = await import(pathToFileURL(join(root, 'index.mjs')).href);
const report = { init: newlyLoaded(), steps: [] };
for (const step of steps) {
  let result;
  let error;
  try {
    result = await mod.handler(step.event, context(step.name ?? 'probe'));
  } catch (err) {
    error = String(err?.stack ?? err);
  }
  report.steps.push({ label: step.label, result, error, loaded: newlyLoaded() });
}
report.outside = outside;
writeFileSync(outFile, JSON.stringify(report, null, 2));
