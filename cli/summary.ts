/** One line's worth of facts about a playground, shared by `get -o wide`, `get -w` and the dashboard. */
import Table from 'cli-table3';
import { resolvePlayground } from '../reconcilers/engine/resolve.js';
import type { Playground } from '../schemas/playground.js';
import { estimateHourly } from './cost.js';
import type { Colors } from './output.js';
import { age, phaseColor } from './render.js';

export interface PlaygroundSummary {
  name: string;
  phase: string;
  ready: string;
  /** `healthy/total` from status.components, '-' before any is reported. */
  health: string;
  generation: string;
  age: string;
  /** Time left before the ttl runs out, '-' without one. */
  ttlLeft: string;
  expiresAt?: string;
  hourlyCost?: number;
  bootstrapServers?: string;
  urls: Record<string, string>;
  deleting: boolean;
}

export function remaining(untilIso: string | undefined, now: number): string {
  const t = untilIso ? Date.parse(untilIso) : Number.NaN;
  if (!Number.isFinite(t)) return '-';
  if (t <= now) return 'expired';
  const s = Math.round((t - now) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m` : `${s}s`;
}

export function hourlyCost(d: Playground): number | undefined {
  try {
    return estimateHourly(resolvePlayground(d)).total;
  } catch {
    return undefined;
  }
}

export function summarize(d: Playground, now: number): PlaygroundSummary {
  const s = d.status ?? {};
  const comps = Object.values(s.components ?? {});
  const cost = hourlyCost(d);
  return {
    name: d.metadata.name,
    phase: s.phase ?? 'Pending',
    ready: s.conditions?.find((x) => x.type === 'Ready')?.status ?? 'Unknown',
    health: comps.length > 0 ? `${comps.filter((c) => c.healthy).length}/${comps.length}` : '-',
    generation: `${s.observedGeneration ?? '-'}/${d.metadata.generation ?? '-'}`,
    age: age(d.metadata.creationTimestamp, now),
    ttlLeft: remaining(s.expiresAt, now),
    ...(s.expiresAt ? { expiresAt: s.expiresAt } : {}),
    ...(cost !== undefined ? { hourlyCost: cost } : {}),
    ...(s.endpoints?.bootstrapServers ? { bootstrapServers: s.endpoints.bootstrapServers } : {}),
    urls: s.endpoints?.urls ?? {},
    deleting: !!d.metadata.deletionTimestamp,
  };
}

const plainTable = {
  chars: Object.fromEntries(
    [
      'mid',
      'left-mid',
      'mid-mid',
      'right-mid',
      'top',
      'top-mid',
      'top-left',
      'top-right',
      'bottom',
      'bottom-mid',
      'bottom-left',
      'bottom-right',
      'left',
      'right',
    ].map((k) => [k, '']),
  ),
  style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
};

const money = (n: number | undefined) => (n === undefined ? '-' : `$${n.toFixed(2)}`);

/** `get -o wide`: the plain columns plus health, TTL left, hourly cost, bootstrap servers and every URL. */
export function wideTable(docs: Playground[], now: number, c: Colors): string {
  const t = new Table({
    head: ['NAME', 'PHASE', 'READY', 'HEALTH', 'GEN', 'AGE', 'TTL', 'COST/H', 'BOOTSTRAP', 'URLS'],
    ...plainTable,
    chars: { ...plainTable.chars, middle: '  ' },
  });
  for (const d of docs) {
    const s = summarize(d, now);
    t.push([
      s.name,
      phaseColor(s.phase, c),
      s.ready,
      s.health,
      s.generation,
      s.age,
      s.ttlLeft,
      money(s.hourlyCost),
      s.bootstrapServers?.split(',')[0] ?? '-',
      Object.entries(s.urls)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '-',
    ]);
  }
  return `${t.toString()}\n`;
}

const COLS = [24, 13, 8, 8, 8, 6, 9] as const;

export function watchHeader(): string {
  return ['NAME', 'PHASE', 'READY', 'HEALTH', 'GEN', 'AGE', 'TTL'].map((h, i) => h.padEnd(COLS[i] ?? 0)).join(' ');
}

export function watchRow(s: PlaygroundSummary, c: Colors): string {
  const phase = s.deleting && s.phase !== 'Deleting' ? `${s.phase}*` : s.phase;
  const cells = [s.name, phase, s.ready, s.health, s.generation, s.age, s.ttlLeft].map((v, i) =>
    v.padEnd(COLS[i] ?? 0),
  );
  cells[1] = phaseColor(phase, c) + ' '.repeat(Math.max(0, (COLS[1] ?? 0) - phase.length));
  return cells.join(' ').trimEnd();
}
