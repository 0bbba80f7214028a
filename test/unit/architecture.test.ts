/**
 * The folder tree is the architecture: these checks keep it so. Every relative import in product code is
 * read from the source; `import type` counts too (a type cycle is still a cycle for a reader).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const PRODUCT = ['lib', 'schemas', 'reconcilers', 'sim', 'functions', 'cli', 'infra', 'bin'];

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) tsFiles(path, out);
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** file (relative to the repo) → the product files it imports (relative). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const top of PRODUCT) {
    for (const file of tsFiles(join(ROOT, top))) {
      const src = readFileSync(file, 'utf8');
      const deps: string[] = [];
      for (const m of src.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2];
        if (!spec) continue;
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        deps.push(relative(ROOT, target));
      }
      graph.set(relative(ROOT, file), deps);
    }
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const dep of graph.get(node) ?? []) {
      if (!graph.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'open') found.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('architecture', () => {
  const graph = importGraph();

  it('has no import circles in product code', () => {
    expect(cycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('keeps lib/ a foundation: nothing in it imports the layers above', () => {
    const upward = [...graph]
      .filter(([file]) => file.startsWith('lib/'))
      .flatMap(([file, deps]) =>
        deps.filter((d) => /^(reconcilers|functions|cli|sim|infra|bin)\//.test(d)).map((d) => `${file} → ${d}`),
      );
    expect(upward).toEqual([]);
  });

  it('keeps the simulated cloud independent of the operator it simulates for', () => {
    const upward = [...graph]
      .filter(([file]) => file.startsWith('sim/'))
      .flatMap(([file, deps]) =>
        deps.filter((d) => /^(reconcilers|functions|cli|infra|bin)\//.test(d)).map((d) => `${file} → ${d}`),
      );
    expect(upward).toEqual([]);
  });

  it('keeps the engine and the per-service reconcilers below the functions and the CLI', () => {
    const upward = [...graph]
      .filter(([file]) => file.startsWith('reconcilers/') || file.startsWith('schemas/'))
      .flatMap(([file, deps]) =>
        deps.filter((d) => /^(functions|cli|infra|bin|sim)\//.test(d)).map((d) => `${file} → ${d}`),
      );
    expect(upward).toEqual([]);
  });

  it('keeps the document schema below everything that uses it', () => {
    const upward = [...graph]
      .filter(([file]) => file.startsWith('schemas/'))
      .flatMap(([file, deps]) =>
        deps.filter((d) => /^(reconcilers|functions|cli|sim|infra|bin)\//.test(d)).map((d) => `${file} → ${d}`),
      );
    expect(upward).toEqual([]);
  });

  it('lets a service model reach another only through the cloud, never by importing it', () => {
    const service = (f: string) => /^sim\/(msk|ecs|elb|ec2|cloudmap)\//.exec(f)?.[1];
    const across = [...graph].flatMap(([file, deps]) => {
      const own = service(file);
      if (!own) return [];
      return deps.filter((d) => service(d) !== undefined && service(d) !== own).map((d) => `${file} → ${d}`);
    });
    expect(across).toEqual([]);
  });
});
