// The kpo dashboard: a list of playgrounds and a page per playground, redrawn when the server says
// something changed (server-sent events). Every action is a request to the CLI that serves this page.
import { componentState, playgroundGraph, targetsText, tone } from './graph.js';

const main = document.getElementById('main');
const state = { info: undefined, offset: 0, view: undefined, expires: [] };

function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  return e;
}

async function api(method, path, body) {
  const res = await fetch(`/_dash/api/${path}`, {
    method,
    headers: method === 'GET' ? {} : { 'x-kpo-dashboard': '1', 'content-type': 'text/plain' },
    ...(body === undefined ? {} : { body }),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const detail = json.detail ?? (json.errors ?? []).map((e) => `${e.path || '/'}: ${e.message}`).join('\n');
    throw new Error(detail || `HTTP ${res.status}`);
  }
  return json;
}

function phaseBadge(phase) {
  const t =
    phase === 'Ready'
      ? 'ok'
      : ['Failed', 'Invalid'].includes(phase)
        ? 'bad'
        : phase === 'Degraded' || phase === 'Deleting'
          ? 'warn'
          : 'busy';
  return h('span', { class: `badge ${t}`, 'data-phase': phase }, phase);
}

function statusBadge(text) {
  return h('span', { class: `badge ${tone(text)}` }, text);
}

const money = (n) => (n === undefined ? '-' : `$${n.toFixed(2)}/h`);

/** Time left before `iso` on the server's clock (the local target's clock is virtual). */
function left(iso) {
  if (!iso) return '-';
  const ms = Date.parse(iso) - (Date.now() + state.offset);
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${hh}h${String(mm).padStart(2, '0')}m${String(ss).padStart(2, '0')}s`;
}

function ttlCell(iso) {
  const cell = h('td', { class: 'ttl', 'data-expires': iso ?? '' }, left(iso));
  return cell;
}

setInterval(() => {
  for (const c of document.querySelectorAll('[data-expires]'))
    if (c.dataset.expires) c.textContent = left(c.dataset.expires);
}, 1000);

function error(where, err) {
  const box = where.querySelector('.error') ?? where.appendChild(h('p', { class: 'error', role: 'alert' }));
  box.textContent = err instanceof Error ? err.message : String(err);
}

async function renderList() {
  const data = await api('GET', 'playgrounds');
  state.offset = data.now - Date.now();
  const rows = data.items.map((p) =>
    h(
      'tr',
      { 'data-name': p.name },
      h('td', {}, h('a', { href: `#/p/${encodeURIComponent(p.name)}` }, p.name)),
      h('td', {}, phaseBadge(p.deleting && p.phase !== 'Deleting' ? 'Deleting' : p.phase)),
      h('td', { class: 'ready' }, statusBadge(p.ready)),
      h('td', { class: 'health' }, p.health),
      h('td', {}, p.age),
      ttlCell(p.expiresAt),
      h('td', {}, money(p.hourlyCost)),
      h(
        'td',
        {},
        Object.entries(p.urls).map(([k, v]) =>
          h('div', {}, h('a', { href: v, target: '_blank', rel: 'noreferrer' }, k)),
        ),
        p.bootstrapServers ? h('div', { class: 'muted' }, p.bootstrapServers.split(',')[0]) : undefined,
      ),
    ),
  );
  // One form for the page's life: a redraw keeps what the user typed and the last result.
  state.form ??= applyForm();
  const form = state.form;
  main.replaceChildren(
    h('h1', {}, 'Playgrounds'),
    rows.length === 0
      ? h('p', { class: 'muted', id: 'empty' }, 'No playgrounds yet: apply a document below.')
      : h(
          'table',
          { id: 'playgrounds' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Name', 'Phase', 'Ready', 'Healthy', 'Age', 'TTL left', 'Cost (estimate)', 'Endpoints'].map((x) =>
                h('th', {}, x),
              ),
            ),
          ),
          h('tbody', {}, rows),
        ),
    form,
  );
}

function applyForm() {
  const text = h('textarea', {
    id: 'apply-text',
    placeholder: 'apiVersion: kpo/v1alpha1\nkind: Playground\n…',
    spellcheck: 'false',
  });
  const file = h('input', {
    type: 'file',
    accept: '.yaml,.yml,.json',
    onchange: async (e) => {
      const f = e.target.files?.[0];
      if (f) text.value = await f.text();
    },
  });
  const out = h('p', { id: 'apply-result', class: 'muted' });
  const wrap = h(
    'section',
    {},
    h('h2', {}, 'Apply a document'),
    text,
    h(
      'div',
      { class: 'actions' },
      file,
      h(
        'button',
        {
          id: 'apply',
          onclick: async () => {
            try {
              const r = await api('POST', 'apply', text.value);
              out.textContent = `playground/${r.name} ${r.created ? 'created' : r.specChanged ? 'configured' : 'unchanged'} (generation ${r.generation})`;
              wrap.querySelector('.error')?.remove();
            } catch (err) {
              error(wrap, err);
            }
          },
        },
        'Apply',
      ),
    ),
    out,
  );
  return wrap;
}

function table(head, rows) {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((x) => h('th', {}, x)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

async function renderPlayground(name) {
  let data;
  try {
    data = await api('GET', `playgrounds/${encodeURIComponent(name)}`);
  } catch (err) {
    main.replaceChildren(
      h('p', {}, h('a', { href: '#/' }, '← all playgrounds')),
      h('p', { class: 'error' }, err.message),
    );
    return;
  }
  state.offset = data.now - Date.now();
  const d = data.document;
  const s = d.status ?? {};
  const sum = data.summary;
  const actions = h('div', { class: 'actions' });
  if (state.info?.canReconcile)
    actions.append(
      h(
        'button',
        { id: 'reconcile', onclick: () => act(actions, 'POST', `playgrounds/${encodeURIComponent(name)}/reconcile`) },
        'Reconcile now',
      ),
    );
  if (state.info?.canRunUntilReady)
    actions.append(
      h(
        'button',
        {
          id: 'until-ready',
          onclick: () => act(actions, 'POST', `playgrounds/${encodeURIComponent(name)}/reconcile?until=ready`),
        },
        'Run until Ready',
      ),
    );
  actions.append(
    h('button', { id: 'delete', class: 'danger', onclick: () => confirmDelete(actions, name) }, 'Delete…'),
  );

  const conds = table(
    ['Type', 'Status', 'Reason', 'Message', 'Since'],
    (s.conditions ?? []).map((c) =>
      h(
        'tr',
        { 'data-condition': c.type },
        h('td', {}, c.type),
        h('td', {}, statusBadge(c.status)),
        h('td', {}, c.reason),
        h('td', {}, c.message),
        h('td', { class: 'muted' }, c.lastTransitionTime),
      ),
    ),
  );
  const comps = Object.entries(s.components ?? {});
  const health =
    comps.length === 0
      ? h('p', { class: 'muted', id: 'health' }, 'No per-component health reported yet.')
      : h(
          'div',
          { id: 'health' },
          table(
            ['Component', 'Health', 'Tasks', 'Targets', 'What AWS says', 'Last stopped'],
            comps.map(([n, c]) =>
              h(
                'tr',
                { 'data-component': n, 'data-health': componentState(c) },
                h('td', {}, n),
                h('td', {}, statusBadge(componentState(c))),
                h(
                  'td',
                  {},
                  `${c.running}/${c.desired}${c.pending ? ` (+${c.pending} pending)` : ''}${c.recentStops ? `, ${c.recentStops} recent stops` : ''}`,
                ),
                h(
                  'td',
                  { title: c.targets?.description ?? '' },
                  c.targets
                    ? `${targetsText(c.targets)}${c.targets.initial && c.targets.state !== 'initial' ? `, ${c.targets.initial} initial` : ''}`
                    : '-',
                ),
                h('td', { class: 'message' }, c.message),
                h(
                  'td',
                  { class: 'last-stopped' },
                  c.lastStoppedReason ? `${c.lastStoppedReason}${c.lastStoppedAt ? ` (${c.lastStoppedAt})` : ''}` : '-',
                ),
              ),
            ),
          ),
        );
  const e = s.endpoints ?? {};
  const endpoints = h(
    'ul',
    { id: 'endpoints' },
    e.bootstrapServers ? h('li', {}, 'bootstrap servers ', h('code', {}, e.bootstrapServers)) : undefined,
    Object.entries(e.urls ?? {}).map(([k, v]) =>
      h('li', {}, `${k}: `, h('a', { href: v, target: '_blank', rel: 'noreferrer' }, v)),
    ),
    Object.entries(e.services ?? {}).map(([k, v]) => h('li', { class: 'muted' }, `${k}: ${v}`)),
  );
  const events = h(
    'ul',
    { class: 'timeline', id: 'events' },
    [...(s.events ?? [])]
      .reverse()
      .map((ev) =>
        h(
          'li',
          { class: ev.type },
          h('span', { class: 'muted' }, ev.time),
          ' ',
          h('strong', {}, ev.reason),
          ` ${ev.message}`,
        ),
      ),
  );
  const problems = [
    ...(s.problems ?? []).map((p) => `${p.path || '/'}: ${p.message} (${p.code})`),
    ...(s.preflight ?? []).map((p) => `${p.resource}: ${p.message} (${p.code})`),
  ];
  const cost = data.cost
    ? table(
        ['Item', 'Hourly'],
        [
          ...data.cost.lines.map((l) => h('tr', {}, h('td', {}, l.item), h('td', {}, `$${l.hourly.toFixed(3)}`))),
          h(
            'tr',
            {},
            h('td', {}, h('strong', {}, 'total')),
            h('td', {}, h('strong', {}, `$${data.cost.total.toFixed(2)}/h`)),
          ),
        ],
      )
    : h('p', { class: 'muted' }, 'No estimate for this document.');

  main.replaceChildren(
    ...[
      h('p', {}, h('a', { href: '#/' }, '← all playgrounds')),
      h(
        'h1',
        { id: 'title' },
        d.metadata.name,
        ' ',
        phaseBadge(sum.phase),
        ' ',
        h(
          'span',
          { class: 'muted' },
          `Ready ${sum.ready} · healthy ${sum.health} · age ${sum.age} · gen ${sum.generation}`,
        ),
      ),
      h(
        'p',
        { class: 'muted' },
        'TTL left: ',
        h('span', { 'data-expires': sum.expiresAt ?? '' }, left(sum.expiresAt)),
        d.metadata.deletionTimestamp ? ` · deletion requested ${d.metadata.deletionTimestamp}` : '',
      ),
      actions,
      problems.length > 0 ? h('div', { class: 'error', id: 'problems' }, problems.join('\n')) : undefined,
      h('h2', {}, 'Resources'),
      h('div', { class: 'graph', id: 'graph' }, playgroundGraph(d), legend()),
      h('h2', {}, 'Conditions'),
      conds,
      h('h2', {}, 'Component health'),
      health,
      h('h2', {}, 'Endpoints'),
      endpoints,
      h('h2', {}, 'Events'),
      events,
      h(
        'div',
        { class: 'grid' },
        h('section', {}, h('h2', {}, 'Document'), h('pre', { id: 'yaml' }, data.yaml)),
        h(
          'section',
          {},
          h('h2', {}, 'Plan'),
          'error' in data.plan
            ? h('pre', { class: 'error' }, data.plan.error)
            : h('pre', { id: 'plan' }, data.plan.text),
        ),
      ),
      h('h2', {}, 'Cost (estimate: us-east-1 list prices)'),
      cost,
    ].filter((x) => x !== undefined),
  );
}

function legend() {
  return h(
    'div',
    { class: 'legend' },
    [
      ['ok', 'active / healthy'],
      ['busy', 'in progress'],
      ['warn', 'changing / deleting'],
      ['bad', 'failed / unhealthy'],
      ['idle', 'not created yet'],
    ].map(([t, label]) => h('span', {}, h('span', { class: `badge ${t}` }, ' '), ` ${label}`)),
  );
}

async function act(where, method, path) {
  const buttons = where.querySelectorAll('button');
  for (const b of buttons) b.disabled = true;
  try {
    await api(method, path);
    await render();
  } catch (err) {
    error(where, err);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

function confirmDelete(where, name) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = `Delete playground ${name}? Everything it owns is torn down.`;
  dialog.onclose = () => {
    if (dialog.returnValue === 'ok') void act(where, 'DELETE', `playgrounds/${encodeURIComponent(name)}`);
  };
  dialog.showModal();
}

let rendering = Promise.resolve();
function render() {
  rendering = rendering.then(async () => {
    const m = /^#\/p\/(.+)$/.exec(location.hash);
    try {
      if (m) await renderPlayground(decodeURIComponent(m[1]));
      else await renderList();
      main.dataset.version = String(state.version ?? 0);
    } catch (err) {
      error(main, err);
    }
  });
  return rendering;
}

async function start() {
  state.info = await api('GET', 'info');
  document.getElementById('target').textContent = `target: ${state.info.target}`;
  document.getElementById('live').textContent = state.info.live
    ? '· operator loop running (1 s = 1 simulated minute)'
    : '';
  window.addEventListener('hashchange', () => void render());
  const stream = new EventSource('/_dash/stream');
  stream.onmessage = (m) => {
    state.version = JSON.parse(m.data).version;
    void render();
  };
  await render();
}

void start();
