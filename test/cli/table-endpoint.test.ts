/**
 * `--table` builds its DynamoDB client with the runtime's endpoint overrides: KPO_AWS_ENDPOINT (and
 * KPO_DYNAMODB_ENDPOINT) reach the table, as they do in the Lambda functions. A tiny HTTP server stands in for
 * DynamoDB and records what it is asked; and moto's DynamoDB (a real implementation) holds a table the CLI reads
 * and writes through KPO_AWS_ENDPOINT alone.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../lib/store/dynamo.js';
import { createPlaygroundTable } from '../../lib/store/table.js';
import { motoClientOptions, motoEndpoint } from '../support/moto.js';
import { playground } from '../support/store-contract.js';

const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (b: Buffer) => {
    body += b.toString();
  });
  req.on('end', () => {
    seen.push({ headers: req.headers, body });
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ Items: [], Count: 0, ScannedCount: 0 }));
  });
});
let endpoint = '';
beforeAll(async () => {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

function kpo(env: Record<string, string>, ...args: string[]) {
  const p = spawn('node', [resolve('bin/kpo.js'), ...args], {
    env: {
      ...process.env,
      NO_COLOR: '1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      KPO_CONFIG: '/nonexistent/kpo-config.json',
      ...env,
    },
  });
  let out = '';
  let err = '';
  p.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  p.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  return new Promise<{ code: number | null; out: string; err: string }>((ok) =>
    p.on('exit', (code) => ok({ code, out, err })),
  );
}

describe('kpo --table honours the endpoint overrides', () => {
  it('KPO_AWS_ENDPOINT: get --table sends its DynamoDB requests there', async () => {
    seen.length = 0;
    const r = await kpo({ KPO_AWS_ENDPOINT: endpoint }, 'get', '--table', 'kpo-playgrounds');
    expect(r).toMatchObject({ code: 0, out: 'no playgrounds\n' });
    expect(seen.length).toBeGreaterThan(0);
    expect(String(seen[0]?.headers['x-amz-target'])).toMatch(/^DynamoDB_20120810\./);
    expect(seen[0]?.body).toContain('"TableName":"kpo-playgrounds"');
  }, 120_000);

  it('KPO_DYNAMODB_ENDPOINT wins for DynamoDB', async () => {
    seen.length = 0;
    const r = await kpo(
      { KPO_AWS_ENDPOINT: 'http://127.0.0.1:9', KPO_DYNAMODB_ENDPOINT: endpoint },
      'get',
      '--table',
      'other-table',
    );
    expect(r.code).toBe(0);
    expect(seen.some((s) => s.body.includes('"TableName":"other-table"'))).toBe(true);
  }, 120_000);

  it('KPO_AWS_ENDPOINT alone: get and delete --table read and write a table in moto DynamoDB', async () => {
    // Prepare: a table in moto with one playground, written by the store the runtime uses
    const table = `kpo-cli-${process.pid}-${Date.now().toString(36)}`;
    const dynamo = new DynamoDBClient(motoClientOptions());
    await createPlaygroundTable(dynamo, table, { wait: true });
    const store = new DynamoStore({ client: dynamo, tableName: table });
    await store.apply(playground('on-moto'));
    const env = { KPO_AWS_ENDPOINT: motoEndpoint(), AWS_ENDPOINT_URL: '' };
    // Act: list and read it, then mark it for deletion, through the CLI
    const list = await kpo(env, 'get', '--table', table);
    const one = await kpo(env, 'get', 'on-moto', '--table', table, '-o', 'json');
    const del = await kpo(env, 'delete', 'on-moto', '--table', table);
    // Assess: the CLI saw moto's item and its delete reached moto's table
    expect(list.code, list.err).toBe(0);
    expect(list.out).toContain('on-moto');
    expect(one.code, one.err).toBe(0);
    expect((JSON.parse(one.out) as { metadata: { name: string; uid?: string } }).metadata).toMatchObject({
      name: 'on-moto',
      uid: (await store.get('on-moto'))?.metadata.uid,
    });
    expect(del.code, del.err).toBe(0);
    expect((await store.get('on-moto'))?.metadata.deletionTimestamp).toBeDefined();
  }, 120_000);
});
