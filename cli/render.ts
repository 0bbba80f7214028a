/** Human output for documents, plans and local inventories: tables, describe pages, plan diffs. */
import Table from 'cli-table3';
import { stepId } from '../reconcilers/engine/planner.js';
import { resolvePlayground } from '../reconcilers/engine/resolve.js';
import type { Step } from '../reconcilers/engine/types.js';
import type { Playground } from '../schemas/playground.js';
import { estimateHourly } from './cost.js';
import type { Colors } from './output.js';

export function age(fromIso: string | undefined, now: number): string {
  const t = fromIso ? Date.parse(fromIso) : Number.NaN;
  if (!Number.isFinite(t)) return '-';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

const plain = {
  chars: {
    mid: '',
    'left-mid': '',
    'mid-mid': '',
    'right-mid': '',
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    right: '',
    middle: '  ',
  },
  style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
};

export function phaseColor(phase: string | undefined, c: Colors): string {
  const p = phase ?? 'Pending';
  if (p === 'Ready') return c.green(p);
  if (p === 'Failed' || p === 'Invalid') return c.red(p);
  if (p === 'Degraded') return c.yellow(p);
  return c.cyan(p);
}

export function playgroundTable(docs: Playground[], now: number, c: Colors): string {
  const t = new Table({ head: ['NAME', 'PHASE', 'READY', 'GEN', 'AGE', 'ENDPOINTS'], ...plain });
  for (const d of docs) {
    const ready = d.status?.conditions?.find((x) => x.type === 'Ready')?.status ?? 'Unknown';
    const urls = Object.values(d.status?.endpoints?.urls ?? {});
    t.push([
      d.metadata.name,
      phaseColor(d.status?.phase, c),
      ready,
      `${d.status?.observedGeneration ?? '-'}/${d.metadata.generation ?? '-'}`,
      age(d.metadata.creationTimestamp, now),
      urls.length > 0 ? `${urls[0]}${urls.length > 1 ? ` (+${urls.length - 1})` : ''}` : '-',
    ]);
  }
  return `${t.toString()}\n`;
}

export function describePlayground(d: Playground, now: number, c: Colors): string {
  const s = d.status ?? {};
  const out: string[] = [];
  const kv = (k: string, v: string) => out.push(`${c.bold(`${k}:`.padEnd(14))}${v}`);
  kv('Name', d.metadata.name);
  kv('UID', d.metadata.uid ?? '-');
  kv('Phase', phaseColor(s.phase, c));
  kv('Generation', `${d.metadata.generation ?? '-'} (observed ${s.observedGeneration ?? '-'})`);
  kv('Age', age(d.metadata.creationTimestamp, now));
  if (s.expiresAt) kv('Expires', s.expiresAt);
  if (d.metadata.deletionTimestamp) kv('Deleting', `since ${d.metadata.deletionTimestamp}`);
  out.push('', c.bold('Conditions:'));
  for (const x of s.conditions ?? [])
    out.push(`  ${x.type.padEnd(7)} ${x.status.padEnd(7)} ${x.reason}  ${c.dim(x.message)}`);
  if (s.problems?.length) {
    out.push('', c.bold('Problems:'));
    for (const p of s.problems) out.push(`  ${c.red(p.path || '/')}  ${p.message} ${c.dim(`(${p.code})`)}`);
  }
  if (s.components && Object.keys(s.components).length > 0) {
    out.push('', c.bold('Components:'));
    out.push(componentsTable(d, c).replace(/^/gm, '  ').trimEnd());
  }
  out.push('', c.bold('Resources:'));
  const t = new Table({ head: ['KIND', 'KEY', 'NAME', 'STATE', 'MESSAGE'], ...plain });
  for (const r of s.resources ?? []) t.push([r.kind, r.key, r.name, r.state, r.message ?? '']);
  out.push(t.toString().replace(/^/gm, '  '));
  const e = s.endpoints ?? {};
  out.push('', c.bold('Endpoints:'));
  if (e.bootstrapServers) out.push(`  bootstrap servers  ${e.bootstrapServers}`);
  for (const [k, v] of Object.entries(e.services ?? {})) out.push(`  ${k.padEnd(18)} ${v}`);
  for (const [k, v] of Object.entries(e.urls ?? {})) out.push(`  ${k.padEnd(18)} ${c.underline(v)}`);
  out.push('', c.bold('Events:'));
  for (const ev of (s.events ?? []).slice(-10))
    out.push(`  ${ev.time}  ${ev.type === 'Warning' ? c.yellow(ev.type) : ev.type}  ${ev.reason}  ${ev.message}`);
  try {
    const cost = estimateHourly(resolvePlayground(d));
    out.push('', c.bold(`Cost (${cost.note}):`));
    for (const l of cost.lines) out.push(`  ${l.item.padEnd(44)} $${l.hourly.toFixed(3)}/h`);
    out.push(`  ${'total'.padEnd(44)} $${cost.total.toFixed(2)}/h ≈ $${(cost.total * 24).toFixed(2)}/day`);
  } catch {
    // an invalid document has no estimate
  }
  return `${out.join('\n')}\n`;
}

/** Reasons a component is not healthy yet rather than unhealthy (reconcilers/health/plan.ts). */
const PENDING_REASONS = new Set(['HealthPending', 'TasksStarting', 'ServiceMissing']);

/** `1/1`, `1/1 (+1 pending)`. */
function tasksText(h: NonNullable<NonNullable<Playground['status']>['components']>[string]): string {
  return `${h.running}/${h.desired}${h.pending ? ` (+${h.pending} pending)` : ''}`;
}

/**
 * Per-component health (status.components): tasks running/desired, target health (healthy/registered and the
 * worst state with its ELB reason code), the last stopped task's reason, and what is wrong or fine.
 */
export function componentsTable(d: Playground, c: Colors): string {
  const t = new Table({ head: ['COMPONENT', 'HEALTHY', 'TASKS', 'TARGETS', 'LAST STOPPED', 'MESSAGE'], ...plain });
  for (const [name, h] of Object.entries(d.status?.components ?? {})) {
    const targets = h.targets
      ? `${h.targets.healthy}/${h.targets.total - h.targets.draining} ${h.targets.state}${h.targets.reason ? ` (${h.targets.reason})` : ''}`
      : '-';
    t.push([
      name,
      h.healthy ? c.green('yes') : PENDING_REASONS.has(h.reason ?? '') ? c.cyan('pending') : c.red('no'),
      tasksText(h),
      targets,
      h.lastStoppedReason ? `${h.lastStoppedReason}${h.lastStoppedAt ? ` (${h.lastStoppedAt})` : ''}` : '-',
      h.message,
    ]);
  }
  return `${t.toString()}\n`;
}

const SIGN: Record<Step['type'], string> = {
  create: '+',
  update: '~',
  replace: '±',
  delete: '-',
  noop: ' ',
  wait: '…',
  blocked: '…',
  conflict: '!',
  'requires-replacement': '!',
};

export function renderPlan(steps: readonly Step[], c: Colors): string {
  const out: string[] = [];
  for (const s of steps) {
    if (s.type === 'noop') continue;
    const color =
      s.type === 'create'
        ? c.green
        : s.type === 'delete'
          ? c.red
          : s.type === 'update' || s.type === 'replace'
            ? c.yellow
            : c.dim;
    out.push(color(`${SIGN[s.type]} ${s.type.padEnd(8)} ${stepId(s)}  ${s.name}`));
    if ('changes' in s)
      for (const ch of s.changes)
        out.push(color(`      ${ch.field}: ${JSON.stringify(ch.from)} → ${JSON.stringify(ch.to)}`));
    if ('reason' in s) out.push(c.dim(`      ${s.reason}`));
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
