/** `npx tsx bench/profile-top.ts <file.cpuprofile> [rows]`: self time per function, heaviest first. */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
const [file, rows = '30'] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top <file.cpuprofile> [rows]');
const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
for (const [i, id] of p.samples.entries()) {
  const f = byId.get(id)?.callFrame;
  if (!f) continue;
  const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*\/wt-[^/]+\//, '')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [k, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(rows))) {
  process.stdout.write(
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`,
  );
}
