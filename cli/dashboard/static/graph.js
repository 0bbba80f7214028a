// The picture of a playground: MSK ← components → target groups → listeners → load balancer, with each
// component's Cloud Map name. Nodes come from the document (so what is not built yet shows, dashed) and take
// their colour from status.resources and status.components.
const SVG = 'http://www.w3.org/2000/svg';
const W = 190;
const H = 46;
const GAP_Y = 16;
const COLS = [20, 270, 520, 740, 960];

function el(name, attrs = {}, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** ok | busy | warn | bad | idle from an AWS state string (ACTIVE, CREATING, active, provisioning, …). */
export function tone(state) {
  if (!state) return 'idle';
  const s = String(state).toLowerCase();
  if (['active', 'available', 'healthy', 'ready', 'true'].includes(s)) return 'ok';
  if (['failed', 'unhealthy', 'unused', 'error', 'missing', 'false', 'inactive'].includes(s)) return 'bad';
  if (['deleting', 'draining', 'degraded', 'updating', 'unavailable'].includes(s)) return 'warn';
  return 'busy';
}

/** Reasons a component's health is not known yet (reconcilers/health/plan.ts): drawn busy, never red. */
export const PENDING_REASONS = ['HealthPending', 'TasksStarting', 'ServiceMissing'];

/** healthy | pending | unhealthy for a status.components entry. */
export function componentState(h) {
  if (h.healthy) return 'healthy';
  return PENDING_REASONS.includes(h.reason) ? 'pending' : 'unhealthy';
}

/** `1/1 healthy`, `0/1 unhealthy (Target.Timeout)`: draining targets are not counted. */
export function targetsText(t) {
  return `${t.healthy}/${t.total - (t.draining ?? 0)} ${t.state}${t.reason ? ` (${t.reason})` : ''}`;
}

function resource(doc, kind, key) {
  return (doc.status?.resources ?? []).find((r) => r.kind === kind && r.key === key);
}

function node(g, { x, y, title, sub, state, kind, key, tip }) {
  const t = tone(state);
  const n = el('g', {
    class: `node ${t}`,
    'data-kind': kind,
    'data-key': key,
    'data-tone': t,
    'data-state': state ?? 'absent',
  });
  n.append(el('title', {}, tip ?? `${kind}/${key}: ${state ?? 'not created yet'}`));
  n.append(el('rect', { x, y, width: W, height: H }));
  n.append(el('text', { x: x + 10, y: y + 18 }, title.length > 25 ? `${title.slice(0, 24)}…` : title));
  n.append(el('text', { x: x + 10, y: y + 35, class: 'sub' }, sub.length > 31 ? `${sub.slice(0, 30)}…` : sub));
  g.append(n);
  return { x, y };
}

function edge(g, a, b) {
  const back = b.x < a.x;
  const x1 = back ? a.x : a.x + W;
  const y1 = a.y + H / 2;
  const x2 = back ? b.x + W : b.x;
  const y2 = b.y + H / 2;
  const mx = (x1 + x2) / 2;
  g.append(el('path', { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, 'marker-end': 'url(#arrow)' }));
}

/** Components are drawn left of MSK in the data's direction: a component → MSK edge reads "uses". */
export function playgroundGraph(doc) {
  const spec = doc.spec ?? {};
  const comps = spec.components ?? [];
  const health = doc.status?.components ?? {};
  const services = doc.status?.endpoints?.services ?? {};
  const rows = Math.max(1, comps.length);
  const height = (rows + 1) * (H + GAP_Y) + 90;
  const svg = el('svg', { width: COLS[4] + W + 20, height, viewBox: `0 0 ${COLS[4] + W + 20} ${height}`, role: 'img' });
  svg.setAttribute('aria-label', `resources of ${doc.metadata.name}`);
  const defs = el('defs');
  const marker = el('marker', {
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto',
  });
  marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#a0aec0' }));
  defs.append(marker);
  svg.append(defs);
  const heads = ['Kafka', 'Components (ECS + Cloud Map)', 'Target groups', 'Listeners', 'Load balancer'];
  heads.forEach((h, i) => {
    svg.append(el('text', { x: COLS[i], y: 18, class: 'sub' }, h));
  });
  const g = el('g');
  svg.append(g);
  const top = 34;
  const mid = top + ((rows - 1) * (H + GAP_Y)) / 2;

  const msk = resource(doc, 'msk-cluster', 'main');
  const kafka = spec.kafka?.msk
    ? node(g, {
        x: COLS[0],
        y: mid,
        kind: 'msk-cluster',
        key: 'main',
        title: msk?.name ?? 'MSK cluster',
        sub: `MSK ${spec.kafka.msk.brokers ?? 3} × ${spec.kafka.msk.instanceType ?? 'kafka.t3.small'} · ${msk?.state ?? 'not created'}`,
        state: msk?.state,
      })
    : node(g, {
        x: COLS[0],
        y: mid,
        kind: 'kafka-external',
        key: 'main',
        title: 'external Kafka',
        sub: spec.kafka?.external?.bootstrapServers ?? '',
        state: 'ACTIVE',
      });

  // What the components share: the ECS cluster they run in, the Cloud Map namespace their names live in,
  // and the MSK configuration of the cluster.
  const shared = top + rows * (H + GAP_Y) + 10;
  const cluster = resource(doc, 'ecs-cluster', 'main');
  node(g, {
    x: COLS[1],
    y: shared,
    kind: 'ecs-cluster',
    key: 'main',
    title: cluster?.name ?? 'ECS cluster',
    sub: `ECS cluster · ${cluster?.state ?? 'not created'}`,
    state: cluster?.state,
  });
  const ns = resource(doc, 'cloudmap-namespace', 'main');
  node(g, {
    x: COLS[2],
    y: shared,
    kind: 'cloudmap-namespace',
    key: 'main',
    title: ns?.name ?? doc.status?.endpoints?.namespace ?? 'Cloud Map namespace',
    sub: `Cloud Map namespace · ${ns?.state ?? 'not created'}`,
    state: ns?.state,
  });
  if (spec.kafka?.msk) {
    const conf = (doc.status?.resources ?? []).find((r) => r.kind === 'msk-configuration');
    node(g, {
      x: COLS[0],
      y: shared,
      kind: 'msk-configuration',
      key: conf?.key ?? 'main',
      title: 'MSK configuration',
      sub: `${conf?.state ?? 'not created'}`,
      state: conf?.state,
    });
  }

  const exposed = comps.filter((c) => c.expose);
  const lbRes = resource(doc, 'elb-load-balancer', 'main');
  const lb =
    exposed.length > 0
      ? node(g, {
          x: COLS[4],
          y: mid,
          kind: 'elb-load-balancer',
          key: 'main',
          title: lbRes?.name ?? 'Application Load Balancer',
          sub: `ALB · ${lbRes?.state ?? 'not created'}`,
          state: lbRes?.state,
        })
      : undefined;

  comps.forEach((c, i) => {
    const y = top + i * (H + GAP_Y);
    const svc = resource(doc, 'ecs-service', c.name);
    const h = health[c.name];
    const state = h ? componentState(h) : svc?.state;
    const counts = h ? ` · ${h.running}/${h.desired} running` : '';
    const dns = services[c.name] ?? resource(doc, 'cloudmap-service', c.name)?.name ?? '';
    const comp = node(g, {
      x: COLS[1],
      y,
      kind: 'ecs-service',
      key: c.name,
      title: `${c.name} (${c.kind})`,
      sub: `${dns || 'no Cloud Map name yet'}${counts}`,
      state,
      tip: `${c.name}: ${svc?.state ?? 'not created yet'}${h?.reason ? ` — ${h.reason}: ${h.message ?? ''}` : ''}${h?.lastStoppedReason ? `\nlast stopped: ${h.lastStoppedReason}` : ''}`,
    });
    edge(g, comp, kafka);
    if (!c.expose || !lb) return;
    const tg = resource(doc, 'elb-target-group', c.name);
    const targets = h?.targets;
    const tgNode = node(g, {
      x: COLS[2],
      y,
      kind: 'elb-target-group',
      key: c.name,
      title: tg?.name ?? `${c.name} targets`,
      sub: targets ? targetsText(targets) : (tg?.state ?? 'not created'),
      state: targets ? targets.state : tg?.state,
      tip: `${tg?.name ?? `${c.name} targets`}: ${targets ? `${targetsText(targets)}${targets.description ? ` — ${targets.description}` : ''}` : (tg?.state ?? 'not created yet')}`,
    });
    const port = String(c.expose.port);
    const ls = resource(doc, 'elb-listener', port);
    const lsNode = node(g, {
      x: COLS[3],
      y,
      kind: 'elb-listener',
      key: port,
      title: `listener :${port}`,
      sub: ls?.state ?? 'not created',
      state: ls?.state,
    });
    edge(g, comp, tgNode);
    edge(g, tgNode, lsNode);
    edge(g, lsNode, lb);
  });
  return svg;
}
