/**
 * What each function's role may do, that the policies fit IAM's size quotas, and that every AWS call the
 * code makes is granted to the functions that make it (read from the sources, so a new call without its
 * permission fails here rather than in AWS).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, type FunctionName, REPO_ROOT } from '../../infra/code.js';
import { CREATORS } from '../../infra/functions.js';
import { covers, iamView, MUTATING, type PolicyInfo, synthOperator } from './fixture.js';

let view: ReturnType<typeof iamView>;
beforeAll(() => {
  view = iamView(synthOperator());
});

describe('Per-function grants', () => {
  const attached = (name: FunctionName) =>
    (['read', 'createContainers', 'createKafkaNetwork', 'mutate'] as const).filter((k) =>
      view.docOf(k).roles.includes(view.roleId(name)),
    );

  it.each([
    ['api', ['read']],
    ['reconcile-scheduled', []],
    ['reconcile-worker', ['read', 'createContainers', 'createKafkaNetwork', 'mutate']],
    ['reconcile-stream', ['read', 'createContainers', 'createKafkaNetwork', 'mutate']],
    ['self-heal', ['read', 'createContainers', 'createKafkaNetwork', 'mutate']],
    ['gc', ['read', 'mutate']],
  ] as const)('%s gets the AWS policies %j', (name, kinds) => {
    // Assess
    expect(attached(name)).toEqual(kinds);
  });

  it('lets reconcile-scheduled read the table and send to the work queue, nothing else', () => {
    // Act
    const actions = view
      .grantedTo('reconcile-scheduled')
      .filter((a) => !a.startsWith('xray:') && !a.startsWith('logs:'));
    // Assess
    expect(actions.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Scan', 'dynamodb:GetItem', 'sqs:SendMessage']));
    expect(actions.every((a) => a.startsWith('dynamodb:') || a.startsWith('sqs:'))).toBe(true);
  });

  it('lets the api write documents but change nothing in AWS', () => {
    // Act
    const actions = view.grantedTo('api');
    // Assess
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem']),
    );
    expect(actions.filter((a) => MUTATING.test(a) && !/^(dynamodb|logs|xray):/.test(a))).toEqual([]);
  });
});

describe('Policy sizes (IAM quotas)', () => {
  // Long stand-ins for what CloudFormation fills in at deploy time.
  const fill = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(fill);
    if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if ('Fn::Join' in o) {
        const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
        return parts.map(fill).join(sep);
      }
      if (o.Ref === 'AWS::Partition') return 'aws-us-gov';
      if (o.Ref === 'AWS::Region') return 'ap-southeast-4';
      if (o.Ref === 'AWS::AccountId') return '123456789012';
      if ('Ref' in o || 'Fn::GetAtt' in o)
        return `arn:aws-us-gov:service:ap-southeast-4:123456789012:resource/${'x'.repeat(64)}`;
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fill(v)]));
    }
    return x;
  };
  const size = (p: PolicyInfo) => JSON.stringify(fill({ Version: '2012-10-17', Statement: p.statements })).length;

  it('keeps each managed policy under 6,144 characters and each role’s inline policies under 10,240', () => {
    // Act
    const managed = view.policies.filter((p) => p.type === 'AWS::IAM::ManagedPolicy').map(size);
    const inlinePerRole = FUNCTION_NAMES.map((n) =>
      view.policies
        .filter((p) => p.type === 'AWS::IAM::Policy' && p.roles.includes(view.roleId(n)))
        .reduce((t, p) => t + size(p), 0),
    );
    // Assess
    expect(managed.length).toBe(4);
    for (const s of managed) expect(s).toBeLessThan(6144);
    for (const s of inlinePerRole) expect(s).toBeLessThan(10240);
  });
});

describe('Every AWS call in the code is granted', () => {
  const CLIENT_PREFIX: Record<string, string> = {
    ecs: 'ecs',
    kafka: 'kafka',
    servicediscovery: 'servicediscovery',
    'elastic-load-balancing-v2': 'elasticloadbalancing',
    ec2: 'ec2',
    'resource-groups-tagging-api': 'tag',
    sqs: 'sqs',
  };
  // IAM actions that differ from the operation name.
  const ACTION_OF: Record<string, string> = { 'sqs:SendMessageBatch': 'sqs:SendMessage' };

  function callsIn(files: string[]): string[] {
    const out = new Set<string>();
    for (const file of files) {
      const src = readFileSync(file, 'utf8');
      const imported = new Map<string, string>();
      for (const m of src.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g)) {
        const prefix = CLIENT_PREFIX[m[2] ?? ''];
        for (const raw of (m[1] ?? '').split(',')) {
          const name =
            raw
              .trim()
              .replace(/^type\s+/, '')
              .split(/\s+as\s+/)[0] ?? '';
          if (prefix && name.endsWith('Command')) imported.set(name, prefix);
        }
      }
      for (const m of src.matchAll(/new\s+([A-Z][A-Za-z0-9]*Command)\s*\(/g)) {
        const prefix = imported.get(m[1] ?? '');
        const action = `${prefix}:${(m[1] ?? '').replace(/Command$/, '')}`;
        if (prefix) out.add(ACTION_OF[action] ?? action);
      }
    }
    return [...out].sort();
  }
  const tsFiles = (dir: string): string[] =>
    readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(REPO_ROOT, dir, f));
  const missing = (name: FunctionName, calls: string[]) =>
    calls.filter((c) => !view.grantedTo(name).some((g) => covers(g, c)));

  it('grants the reconcilers every call of reconcilers/, lib/ and the Lambda runtime', () => {
    // Act
    const calls = callsIn(
      [...tsFiles('reconcilers'), ...tsFiles('lib'), ...tsFiles('functions')].filter((f) => !f.endsWith('queue.ts')),
    );
    // Assess
    expect(calls.length).toBeGreaterThan(20);
    for (const name of CREATORS) expect(missing(name, calls), name).toEqual([]);
  });

  it('grants gc every call of the orphan sweep, and the queue send to the functions that fan out', () => {
    // Act
    const gcCalls = callsIn([join(REPO_ROOT, 'reconcilers', 'fleet', 'gc.ts')]);
    const queueCalls = callsIn([join(REPO_ROOT, 'functions', 'runtime', 'queue.ts')]);
    // Assess
    expect(gcCalls).toContain('kafka:DeleteConfiguration');
    expect(missing('gc', gcCalls)).toEqual([]);
    expect(queueCalls).toEqual(['sqs:SendMessage']);
    expect(missing('reconcile-scheduled', queueCalls)).toEqual([]);
    expect(missing('reconcile-stream', queueCalls)).toEqual([]);
    expect(missing('reconcile-worker', queueCalls)).toEqual(['sqs:SendMessage']);
  });
});
