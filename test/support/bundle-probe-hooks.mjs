// Module hooks for bundle-probe.mjs: appends the URL of every file module node loads to a log, synchronously,
// so the log is complete when the import that loaded them resolves.
import { appendFileSync } from 'node:fs';

let log;

export function initialize(data) {
  log = data.log;
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:')) appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
