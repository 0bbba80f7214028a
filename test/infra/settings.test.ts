/**
 * The app's context settings, where the Lambda code comes from (and how synth stops without it), and the
 * API's request model when the schema file is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { PlaygroundApi, SCHEMA_FILE } from '../../infra/api.js';
import { addOperatorStack, cdkJsonContext } from '../../infra/build.js';
import { bundledCode, FUNCTION_NAMES, placeholderCode, REPO_ROOT } from '../../infra/code.js';
import { readSettings } from '../../infra/config.js';
import { ConfigurationError } from '../../lib/errors.js';

describe('Context settings', () => {
  it('defaults to a 1-minute schedule, 60 minutes of grace, 10 workers and reserved concurrency', () => {
    // Act
    const s = readSettings(() => undefined);
    // Assess
    expect(s).toEqual({
      vpcId: undefined,
      subnetIds: [],
      allowedCidrs: [],
      schedulePeriodMinutes: 1,
      configGraceMinutes: 60,
      workerConcurrency: 10,
      resyncApiSharePercent: 50,
      resyncFloorMinutes: 5,
      fleetSize: 0,
      alarmEmail: undefined,
      reserveConcurrency: true,
    });
  });

  it.each([
    ['a comma list', 'subnet-0123abcd,subnet-4567ef01', ['subnet-0123abcd', 'subnet-4567ef01']],
    ['a JSON array', ['subnet-0123abcd', 'subnet-4567ef01'], ['subnet-0123abcd', 'subnet-4567ef01']],
    ['an empty string', '', []],
  ])('reads subnetIds from %s', (_what, raw, expected) => {
    // Act
    const s = readSettings((k) => (k === 'subnetIds' ? raw : undefined));
    // Assess
    expect(s.subnetIds).toEqual(expected);
  });

  it('reports every invalid value at once', () => {
    // Prepare
    const bad: Record<string, unknown> = {
      vpcId: 'vpc1',
      schedulePeriodMinutes: '0',
      workerConcurrency: '1',
      allowedCidrs: '10.0.0.0',
      reserveConcurrency: 'yes',
    };
    // Act
    const act = () => readSettings((k) => bad[k]);
    // Assess
    expect(act).toThrow(ConfigurationError);
    try {
      act();
    } catch (err) {
      for (const key of Object.keys(bad)) expect((err as Error).message).toContain(key);
    }
  });

  it('shapes the stack: worker concurrency, schedule, grace, reserved concurrency, alarm e-mail, document defaults', () => {
    // Prepare
    const app = new App({
      context: {
        ...cdkJsonContext(),
        workerConcurrency: 25,
        resyncApiSharePercent: 40,
        resyncFloorMinutes: 10,
        fleetSize: 10000,
        schedulePeriodMinutes: 5,
        configGraceMinutes: 90,
        reserveConcurrency: false,
        alarmEmail: 'ops@example.com',
        vpcId: 'vpc-0123abcd',
        subnetIds: 'subnet-0123abcd,subnet-4567ef01',
      },
      stackTraces: false,
      builtinCloudFormationValidation: false,
    });
    // Act
    const template = Template.fromStack(addOperatorStack(app, { code: placeholderCode, nag: false }).stack);
    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 25 } });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.hasOutput('DefaultVpcId', { Value: 'vpc-0123abcd' });
    template.hasOutput('DefaultSubnetIds', { Value: 'subnet-0123abcd,subnet-4567ef01' });
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fns).toHaveLength(FUNCTION_NAMES.length);
    for (const f of fns) {
      expect(f.Properties.ReservedConcurrentExecutions).toBeUndefined();
      expect(f.Properties.Environment.Variables.CONFIG_GRACE_MINUTES).toBe('90');
      // The call budget: each process paces to 1/25 of the share; the resync period comes from share and fleet.
      expect(f.Properties.Environment.Variables).toMatchObject({
        MAX_WORKERS: '25',
        RESYNC_API_SHARE: '0.4',
        RESYNC_FLOOR_MINUTES: '10',
        FLEET_SIZE: '10000',
      });
    }
  });
});

describe('Lambda code', () => {
  const bundles = (names: readonly string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'kpo-bundles-'));
    for (const n of names) {
      mkdirSync(join(dir, n));
      writeFileSync(join(dir, n, 'index.mjs'), 'export const handler = async () => ({});\n');
    }
    return dir;
  };

  it('stops with the missing bundles named and the command that builds them', () => {
    // Prepare
    const dir = bundles(FUNCTION_NAMES.filter((n) => n !== 'gc' && n !== 'api'));
    // Act
    const act = () => bundledCode(dir);
    // Assess
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(/missing for: api, gc/);
    try {
      act();
    } catch (err) {
      expect((err as ConfigurationError).hint).toContain('npm run bundle');
    }
  });

  it('makes `cdk synth` (infra/app.ts) exit 1 with that message instead of a stack trace', () => {
    // Prepare
    const dir = bundles(FUNCTION_NAMES.filter((n) => n !== 'self-heal'));
    // Act
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'infra', 'app.ts')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ bundleDir: dir }),
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'kpo-out-')),
      },
    });
    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the Lambda bundles are missing for: self-heal');
    expect(run.stderr).toContain('run `npm run bundle` first');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('packages each function from its own bundle directory', () => {
    // Prepare
    const dir = bundles(FUNCTION_NAMES);
    // Act
    const code = bundledCode(dir);
    // Assess
    for (const name of FUNCTION_NAMES) {
      const c = code(name);
      expect(c).toBeInstanceOf(lambda.AssetCode);
      expect((c as lambda.AssetCode).path).toBe(join(dir, name));
    }
  });
});

describe('Request model', () => {
  const apiIn = (schemaFile: string) => {
    const stack = new Stack(new App({ stackTraces: false, builtinCloudFormationValidation: false }), 'ApiOnly');
    const handler = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: placeholderCode('api'),
    });
    const api = new PlaygroundApi(stack, 'Api', { handler, schemaFile });
    return { stack, api, template: Template.fromStack(stack) };
  };

  it('is the Playground JSON Schema, as draft 4, when the schema file exists', () => {
    // Act
    const { api, stack, template } = apiIn(SCHEMA_FILE);
    // Assess
    const file = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as { properties: Record<string, unknown> };
    expect(api.modelFromSchemaFile).toBe(true);
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Schema: Match.objectLike({
        $schema: 'http://json-schema.org/draft-04/schema#',
        properties: file.properties,
        additionalProperties: false,
      }),
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('kpo:PermissiveRequestModel'));
  });

  it('falls back to "any JSON object" with a synth warning when the schema file is missing', () => {
    // Act
    const { api, stack, template } = apiIn(join(tmpdir(), 'no-such-dir', 'playground.schema.json'));
    // Assess
    expect(api.modelFromSchemaFile).toBe(false);
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Schema: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' },
    });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('is missing: PUT bodies'));
  });
});
