/**
 * The API's routes. Each takes an API Gateway proxy event and returns a response; failures become
 * application/problem+json with every validation error and its path.
 *
 *   PUT    /playgrounds/{name}        create or update (If-Match / If-None-Match: *), 201 | 200
 *   GET    /playgrounds               list (?limit, ?cursor)
 *   GET    /playgrounds/{name}        one, with its status; ETag
 *   DELETE /playgrounds/{name}        request deletion (If-Match), 202
 *   POST   /playgrounds/{name}/plan   dry run: what would be created, changed, deleted
 *   POST   /validate                  validate a document without storing it
 *
 * What only some routes use is imported by the first request that needs it: the YAML parser and the
 * schema validators (PUT, plan, validate) and the engine with its AWS clients (plan). GET, list and DELETE
 * need neither.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Engine } from '../../reconcilers/engine/engine.js';
import type { Playground } from '../../schemas/playground.js';
import type { PlaygroundStore } from '../../lib/store/types.js';
import { etag, header, json, parseEtag, problem } from '../../lib/api/http.js';

export const MAX_BODY_BYTES = 256 * 1024;

export interface ApiDeps {
  store: () => Promise<Pick<PlaygroundStore, 'apply' | 'get' | 'list' | 'markForDeletion'>>;
  /** For dry-run plans (reads AWS, writes nothing). */
  engine: () => Promise<Pick<Engine, 'plan'>>;
}

/** The module once imported, the same promise after. */
function lazily<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

const validation = lazily(async () => {
  const [text, doc] = await Promise.all([
    import('../../schemas/validate-text.js'),
    import('../../schemas/validate.js'),
  ]);
  return { validateText: text.validateText, validateDocument: doc.validateDocument };
});
const planner = lazily(() => import('../../reconcilers/engine/planner.js'));

type RouteHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

function bodyBytes(event: APIGatewayProxyEvent): Uint8Array | APIGatewayProxyResult {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.byteLength > MAX_BODY_BYTES) {
    return problem(
      413,
      'DocumentTooLarge',
      `the document is ${bytes.byteLength} bytes; the limit is ${MAX_BODY_BYTES}`,
    );
  }
  if (bytes.byteLength === 0) return problem(400, 'EmptyBody', 'send a Playground document (YAML or JSON) in the body');
  return bytes;
}

const isResponse = (v: unknown): v is APIGatewayProxyResult => typeof v === 'object' && v !== null && 'statusCode' in v;

/** Parses and validates a body; a response when it is not a valid document. */
async function readDocument(event: APIGatewayProxyEvent): Promise<Playground | APIGatewayProxyResult> {
  const bytes = bodyBytes(event);
  if (isResponse(bytes)) return bytes;
  const result = (await validation()).validateText(bytes);
  if (!result.valid || !result.document) {
    const unreadable = result.errors.some((e) => e.code === 'Unreadable');
    return problem(
      unreadable ? 400 : 422,
      unreadable ? 'DocumentUnreadable' : 'ValidationFailed',
      `the document has ${result.errors.length} problem(s)`,
      { errors: result.errors, warnings: result.warnings },
    );
  }
  return result.document;
}

function nameOf(event: APIGatewayProxyEvent): string {
  return decodeURIComponent(event.pathParameters?.name ?? '');
}

export function routes(
  deps: ApiDeps,
): { method: 'GET' | 'PUT' | 'DELETE' | 'POST'; path: string; handler: RouteHandler }[] {
  // Read lazily: the runtime is built on the first request, not when the module loads.
  const store = {
    apply: async (...a: Parameters<PlaygroundStore['apply']>) => (await deps.store()).apply(...a),
    get: async (name: string) => (await deps.store()).get(name),
    list: async (...a: Parameters<PlaygroundStore['list']>) => (await deps.store()).list(...a),
    markForDeletion: async (...a: Parameters<PlaygroundStore['markForDeletion']>) =>
      (await deps.store()).markForDeletion(...a),
  };
  const engine = { plan: async (...a: Parameters<Engine['plan']>) => (await deps.engine()).plan(...a) };

  const put: RouteHandler = async (event) => {
    const name = nameOf(event);
    const doc = await readDocument(event);
    if (isResponse(doc)) return doc;
    if (doc.metadata.name !== name) {
      return problem(422, 'NameMismatch', `metadata.name is '${doc.metadata.name}' but the URL names '${name}'`, {
        errors: [
          {
            path: '/metadata/name',
            code: 'NameMismatch',
            message: `set metadata.name to '${name}' or PUT to /playgrounds/${doc.metadata.name}`,
          },
        ],
      });
    }
    const ifMatch = parseEtag(header(event.headers, 'if-match'));
    const ifNoneMatch = header(event.headers, 'if-none-match') === '*' ? ('*' as const) : undefined;
    const { document, created } = await store.apply(doc, {
      ...(ifMatch === undefined ? {} : { ifMatch }),
      ...(ifNoneMatch === undefined ? {} : { ifNoneMatch }),
    });
    const v = (await validation()).validateDocument(doc);
    return json(
      created ? 201 : 200,
      { document, warnings: v.warnings },
      {
        ...etag(document.metadata.resourceVersion),
        ...(created ? { location: `/playgrounds/${encodeURIComponent(name)}` } : {}),
      },
    );
  };

  const list: RouteHandler = async (event) => {
    const limitRaw = event.queryStringParameters?.limit;
    const limit = limitRaw === undefined ? 50 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return problem(400, 'InvalidLimit', 'limit must be an integer from 1 to 100');
    }
    const cursor = event.queryStringParameters?.cursor;
    const page = await store.list({ limit, ...(cursor ? { cursor } : {}) });
    return json(200, page);
  };

  const get: RouteHandler = async (event) => {
    const doc = await store.get(nameOf(event));
    if (!doc) return problem(404, 'NotFound', `no playground named '${nameOf(event)}'`);
    return json(200, doc, etag(doc.metadata.resourceVersion));
  };

  const del: RouteHandler = async (event) => {
    const ifMatch = parseEtag(header(event.headers, 'if-match'));
    const doc = await store.markForDeletion(nameOf(event), ifMatch === undefined ? {} : { ifMatch });
    return json(202, doc, etag(doc.metadata.resourceVersion));
  };

  const plan: RouteHandler = async (event) => {
    const name = nameOf(event);
    const stored = await store.get(name);
    let doc: Playground;
    if (event.body) {
      const parsed = await readDocument(event);
      if (isResponse(parsed)) return parsed;
      doc = stored
        ? ({
            ...parsed,
            metadata: { ...stored.metadata, labels: parsed.metadata.labels ?? {} },
            status: stored.status,
          } as Playground)
        : parsed;
    } else if (stored) {
      doc = stored;
    } else {
      return problem(
        404,
        'NotFound',
        `no playground named '${name}'; send a document in the body to plan its creation`,
      );
    }
    const [result, { stepId, summarize }] = await Promise.all([engine.plan(doc), planner()]);
    if (result.errors.length > 0)
      return problem(422, 'ValidationFailed', 'the document is invalid', { errors: result.errors });
    const changes = result.steps.filter((s) => s.type !== 'noop');
    return json(200, {
      summary: summarize(result.steps),
      steps: changes.map((s) => ({ id: stepId(s), ...s })),
      // Its errors block every create: the steps above show them blocked.
      preflight: result.preflight,
      changed: changes.some((s) => ['create', 'update', 'replace', 'delete'].includes(s.type)),
    });
  };

  const validate: RouteHandler = async (event) => {
    const bytes = bodyBytes(event);
    if (isResponse(bytes)) return bytes;
    const r = (await validation()).validateText(bytes);
    return json(200, { valid: r.valid, errors: r.errors, warnings: r.warnings });
  };

  return [
    { method: 'PUT', path: '/playgrounds/{name}', handler: put },
    { method: 'GET', path: '/playgrounds', handler: list },
    { method: 'GET', path: '/playgrounds/{name}', handler: get },
    { method: 'DELETE', path: '/playgrounds/{name}', handler: del },
    { method: 'POST', path: '/playgrounds/{name}/plan', handler: plan },
    { method: 'POST', path: '/validate', handler: validate },
  ];
}
