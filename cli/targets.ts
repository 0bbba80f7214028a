/**
 * Where a command acts: `--local [DIR]` (default: the simulated cloud and a store kept in DIR), `--table NAME`
 * (the DynamoDB table of a deployment, reconciling with your AWS credentials) or `--api URL` (a deployed
 * API, SigV4-signed). Every target offers the document verbs; reconcile and gc need local or table.
 */
import { createHash, createHmac } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { ConfigurationError, KpoError } from '../lib/errors.js';
import { LocalWorld } from './local/world.js';
import { createRuntime } from '../functions/runtime/runtime.js';
import { readConfig } from '../functions/runtime/config.js';
import type { ApplyResult, ListPage } from '../lib/store/types.js';
import type { Engine } from '../reconcilers/engine/engine.js';
import type { Step } from '../reconcilers/engine/types.js';
import type { Playground } from '../schemas/playground.js';
import type { PreflightProblem } from '../schemas/status.js';

export interface TargetOptions {
  local?: string | boolean;
  table?: string;
  api?: string;
  region?: string;
}

export interface Target {
  readonly kind: 'local' | 'table' | 'api';
  apply(doc: Playground): Promise<ApplyResult>;
  get(name: string): Promise<Playground | undefined>;
  list(): Promise<Playground[]>;
  markForDeletion(name: string): Promise<Playground>;
  plan(doc: Playground): Promise<{
    steps: Step[];
    errors: { path: string; code: string; message: string }[];
    /** What the network preflight found (its errors block every create). */
    preflight: PreflightProblem[];
  }>;
  /** Local and table targets only. */
  engine?: Engine;
  world?: LocalWorld;
  now(): number;
  close(): Promise<void>;
}

export async function openTarget(opts: TargetOptions): Promise<Target> {
  if (opts.api && opts.table) throw new ConfigurationError('use one of --api and --table');
  if (opts.api) return apiTarget(opts.api, opts.region ?? process.env.AWS_REGION ?? 'us-east-1');
  if (opts.table) return tableTarget(opts.table, opts.region);
  const dir = typeof opts.local === 'string' ? opts.local : undefined;
  return localTarget(await LocalWorld.open(dir));
}

async function listAll(list: (cursor?: string) => Promise<ListPage>): Promise<Playground[]> {
  const out: Playground[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

export function localTarget(world: LocalWorld): Target {
  return {
    kind: 'local',
    world,
    engine: world.engine,
    apply: (doc) => world.apply(doc),
    get: (name) => world.store.get(name),
    list: () => listAll((cursor) => world.store.list(cursor ? { cursor } : {})),
    markForDeletion: (name) => world.store.markForDeletion(name, { now: world.cloud.clock.now() }),
    plan: async (doc) => world.engine.plan({ ...doc, ...(await mergeStored(world.store.get.bind(world.store), doc)) }),
    now: () => world.cloud.clock.now(),
    close: () => world.save(),
  };
}

/** A stored playground's identity and status, so a plan of a changed document diffs against what exists. */
async function mergeStored(get: (name: string) => Promise<Playground | undefined>, doc: Playground) {
  const stored = await get(doc.metadata.name);
  return stored
    ? {
        metadata: { ...stored.metadata, labels: doc.metadata.labels ?? {} },
        ...(stored.status ? { status: stored.status } : {}),
      }
    : {};
}

function tableTarget(table: string, region: string | undefined): Target {
  const config = readConfig({ ...process.env, TABLE_NAME: table, ...(region ? { AWS_REGION: region } : {}) });
  const rt = createRuntime(config, {
    // The same endpoint overrides as the rest of the runtime (KPO_DYNAMODB_ENDPOINT, then KPO_AWS_ENDPOINT).
    dynamo: new DynamoDBClient({
      region: config.region,
      ...(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint } : {}),
    }),
    owner: `kpo-cli:${process.pid}`,
  });
  return {
    kind: 'table',
    engine: rt.engine,
    apply: (doc) => rt.store.apply(doc),
    get: (name) => rt.store.get(name),
    list: () => listAll((cursor) => rt.store.list(cursor ? { cursor } : {})),
    markForDeletion: (name) => rt.store.markForDeletion(name),
    plan: async (doc) => rt.engine.plan({ ...doc, ...(await mergeStored((n) => rt.store.get(n), doc)) }),
    now: () => Date.now(),
    close: async () => undefined,
  };
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const toBytes = (d: SourceData): Uint8Array =>
  typeof d === 'string'
    ? Buffer.from(d)
    : d instanceof ArrayBuffer
      ? new Uint8Array(d)
      : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** SHA-256 for SigV4, from node:crypto. */
class Sha256 {
  private readonly parts: Uint8Array[] = [];
  private readonly secret: Uint8Array | string | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : toBytes(secret);
  }
  update(data: SourceData): void {
    this.parts.push(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    const h = this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
    for (const p of this.parts) h.update(p);
    return new Uint8Array(h.digest());
  }
  reset(): void {
    this.parts.length = 0;
  }
}

function apiTarget(base: string, region: string): Target {
  const url = new URL(base.endsWith('/') ? base : `${base}/`);
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256: Sha256 });
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const target = new URL(path.replace(/^\//, ''), url);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = {
      method,
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port ? { port: Number(target.port) } : {}),
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers: { host: target.host, 'content-type': 'application/json', ...(payload ? {} : {}) },
      ...(payload === undefined ? {} : { body: payload }),
    };
    const signed = await signer.sign(request);
    const res = await fetch(target, {
      method,
      headers: signed.headers as Record<string, string>,
      ...(payload ? { body: payload } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = { detail: text };
    }
    return { status: res.status, json };
  };
  const fail = (what: string, r: { status: number; json: unknown }): never => {
    const p = (r.json ?? {}) as { detail?: string; errors?: { path: string; message: string }[] };
    const errors = p.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new ApiError(`${what}: HTTP ${r.status}: ${p.detail ?? ''}${errors ? ` (${errors})` : ''}`);
  };
  return {
    kind: 'api',
    apply: async (doc) => {
      const r = await call('PUT', `/playgrounds/${encodeURIComponent(doc.metadata.name)}`, doc);
      if (r.status !== 200 && r.status !== 201) fail('apply', r);
      const document = (r.json as { document: Playground }).document;
      return { document, created: r.status === 201, specChanged: r.status === 201 };
    },
    get: async (name) => {
      const r = await call('GET', `/playgrounds/${encodeURIComponent(name)}`);
      if (r.status === 404) return undefined;
      if (r.status !== 200) fail('get', r);
      return r.json as Playground;
    },
    list: async () => {
      const out: Playground[] = [];
      let cursor: string | undefined;
      do {
        const r = await call('GET', `/playgrounds?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        if (r.status !== 200) fail('list', r);
        const page = r.json as ListPage;
        out.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
      return out;
    },
    markForDeletion: async (name) => {
      const r = await call('DELETE', `/playgrounds/${encodeURIComponent(name)}`);
      if (r.status !== 202) fail('delete', r);
      return r.json as Playground;
    },
    plan: async (doc) => {
      const r = await call('POST', `/playgrounds/${encodeURIComponent(doc.metadata.name)}/plan`, doc);
      if (r.status === 422)
        return {
          steps: [],
          errors: (r.json as { errors: { path: string; code: string; message: string }[] }).errors,
          preflight: [],
        };
      if (r.status !== 200) fail('plan', r);
      const body = r.json as { steps: Step[]; preflight?: PreflightProblem[] };
      return { steps: body.steps, errors: [], preflight: body.preflight ?? [] };
    },
    now: () => Date.now(),
    close: async () => undefined,
  };
}

export class ApiError extends KpoError {
  readonly code = 'ApiRequestFailed';
}
