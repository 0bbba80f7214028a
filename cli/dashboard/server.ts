/**
 * The dashboard's HTTP side: static assets (plain ESM, no build step, nothing from a CDN) and a small JSON
 * API over a Target — the same layer every CLI command uses, so the browser never holds AWS credentials
 * (the CLI signs API calls). `/_dash/stream` is a server-sent event stream that says when something changed.
 *
 * Requests that change anything must carry `x-kpo-dashboard: 1` (a header a cross-site form cannot set) and
 * every request must name this server in Host, so other pages in the browser cannot drive it.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { errorMessage } from '../../lib/errors.js';
import { resolvePlayground } from '../../reconcilers/engine/resolve.js';
import type { Playground } from '../../schemas/playground.js';
import { validateText } from '../../schemas/validate-text.js';
import { estimateHourly } from '../cost.js';
import { colorsFor } from '../output.js';
import { renderPlan } from '../render.js';
import { summarize } from '../summary.js';
import type { Target } from '../targets.js';

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const ASSETS = new Set(['index.html', 'app.js', 'graph.js', 'app.css']);

export interface DashboardOptions {
  target: Target;
  /** Runs `fn` with nothing else touching the target (the local world is one object in memory). */
  serial: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Called after an action changed something (e.g. to save the local world). */
  afterChange?: () => Promise<void>;
  /** How often the stream looks for changes. */
  pollMs: number;
  /** Whether a reconciler loop runs beside the dashboard (shown on the page). */
  live: boolean;
}

const noColors = colorsFor({ write: () => undefined }, { NO_COLOR: '1' });

/** What the user wrote: the document without the operator's fields. */
export function userDocument(d: Playground): Record<string, unknown> {
  const { name, labels } = d.metadata;
  return {
    apiVersion: d.apiVersion,
    kind: d.kind,
    metadata: { name, ...(labels && Object.keys(labels).length > 0 ? { labels } : {}) },
    spec: d.spec,
  };
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

export class Dashboard {
  private version = 0;
  private fingerprint = '';
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: DashboardOptions) {}

  /** Handles dashboard paths; false for anything else (so `kpo local serve` can route the API). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const isAsset = path === '/' || path.startsWith('/assets/');
    if (!isAsset && !path.startsWith('/_dash/')) return false;
    if (!this.hostAllowed(req)) {
      send(res, 403, { detail: 'the dashboard answers only to localhost' });
      return true;
    }
    try {
      if (isAsset) await this.asset(path === '/' ? 'index.html' : path.slice('/assets/'.length), res);
      else if (path === '/_dash/stream') this.stream(res);
      else await this.api(req, res, url);
    } catch (err) {
      send(res, 500, { detail: errorMessage(err) });
    }
    return true;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  /** Tells every open page that something may have changed. */
  async changed(): Promise<void> {
    this.version += 1;
    for (const c of this.clients) c.write(`data: ${JSON.stringify({ version: this.version })}\n\n`);
  }

  private hostAllowed(req: IncomingMessage): boolean {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  }

  private async asset(name: string, res: ServerResponse): Promise<void> {
    if (!ASSETS.has(name)) {
      send(res, 404, { detail: `no asset ${name}` });
      return;
    }
    const bytes = await readFile(join(STATIC_DIR, name));
    res.writeHead(200, {
      'content-type': TYPES[extname(name)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'",
    });
    res.end(bytes);
  }

  private stream(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`data: ${JSON.stringify({ version: this.version })}\n\n`);
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    });
    this.timer ??= setInterval(() => void this.look(), this.o.pollMs);
  }

  /** Reads the list; a different answer from last time is a change. */
  private async look(): Promise<void> {
    try {
      const docs = await this.o.serial(() => this.o.target.list());
      const print = JSON.stringify(docs.map((d) => [d.metadata, d.status?.phase, d.status?.conditions, d.status]));
      if (print !== this.fingerprint) {
        this.fingerprint = print;
        await this.changed();
      }
    } catch {
      // the next look tries again; the page keeps what it has
    }
  }

  private async api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const t = this.o.target;
    const method = req.method ?? 'GET';
    if (method !== 'GET' && req.headers['x-kpo-dashboard'] !== '1') {
      send(res, 403, { detail: 'actions need the x-kpo-dashboard header' });
      return;
    }
    const parts = url.pathname.split('/').filter(Boolean).slice(2).map(decodeURIComponent); // after _dash/api
    const [collection, name, verb] = parts;
    if (collection === 'info' && method === 'GET') {
      send(res, 200, {
        target: t.kind,
        canReconcile: !!t.engine,
        canRunUntilReady: !!t.world,
        live: this.o.live,
        now: t.now(),
      });
      return;
    }
    if (collection === 'apply' && method === 'POST') {
      const result = validateText(new TextEncoder().encode(await body(req)));
      if (!result.valid || !result.document) {
        send(res, 422, { errors: result.errors });
        return;
      }
      const doc = result.document;
      const r = await this.o.serial(() => t.apply(doc));
      await this.after();
      send(res, r.created ? 201 : 200, {
        name: doc.metadata.name,
        created: r.created,
        specChanged: r.specChanged,
        generation: r.document.metadata.generation,
        warnings: result.warnings,
      });
      return;
    }
    if (collection !== 'playgrounds') {
      send(res, 404, { detail: 'no such endpoint' });
      return;
    }
    if (!name && method === 'GET') {
      const docs = await this.o.serial(() => t.list());
      const now = t.now();
      send(res, 200, {
        now,
        items: docs.map((d) => ({ ...summarize(d, now), document: d })),
      });
      return;
    }
    if (!name) {
      send(res, 405, { detail: 'method not allowed' });
      return;
    }
    if (!verb && method === 'GET') {
      const page = await this.o.serial(() => this.page(name));
      if (!page) send(res, 404, { detail: `no playground named '${name}'` });
      else send(res, 200, page);
      return;
    }
    if (!verb && method === 'DELETE') {
      const doc = await this.o.serial(() => t.markForDeletion(name));
      await this.after();
      send(res, 202, { name, deletionTimestamp: doc.metadata.deletionTimestamp });
      return;
    }
    if (verb === 'reconcile' && method === 'POST') {
      const engine = t.engine;
      if (!engine) {
        send(res, 409, { detail: 'this target reconciles on its own (the deployment runs the operator)' });
        return;
      }
      const untilReady = url.searchParams.get('until') === 'ready';
      const world = t.world;
      const r = await this.o.serial(() =>
        untilReady && world
          ? world.reconcileUntil(
              name,
              (x) => ['ready', 'deleted', 'not-found', 'invalid', 'failed'].includes(x.outcome),
              2 * 3_600_000,
            )
          : engine.reconcile(name),
      );
      await this.after();
      send(res, 200, {
        name,
        outcome: r?.outcome,
        phase: r?.status?.phase,
        actions: (r?.actions ?? []).map((a) => `${a.type} ${a.step}`),
      });
      return;
    }
    send(res, 405, { detail: 'method not allowed' });
  }

  private async after(): Promise<void> {
    await this.o.afterChange?.();
    await this.changed();
  }

  private async page(name: string) {
    const t = this.o.target;
    const doc = await t.get(name);
    if (!doc) return undefined;
    const now = t.now();
    let cost: ReturnType<typeof estimateHourly> | undefined;
    try {
      cost = estimateHourly(resolvePlayground(doc));
    } catch {
      cost = undefined;
    }
    let plan: { text: string; changes: number } | { error: string };
    try {
      const p = await t.plan(doc);
      plan =
        p.errors.length > 0
          ? { error: p.errors.map((e) => `${e.path} ${e.message} (${e.code})`).join('\n') }
          : {
              text: renderPlan(p.steps, noColors) || 'No changes. The playground matches the document.\n',
              changes: p.steps.filter((s) => ['create', 'update', 'replace', 'delete'].includes(s.type)).length,
            };
    } catch (err) {
      plan = { error: errorMessage(err) };
    }
    return { now, summary: summarize(doc, now), document: doc, yaml: stringify(userDocument(doc)), cost, plan };
  }
}
