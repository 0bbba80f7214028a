/**
 * `kpo dashboard --local` in a real browser: Playwright (playwright-core) driving Debian's Chromium at
 * /usr/bin/chromium (CHROMIUM_PATH overrides; `.ci/run` installs it). The server is the CLI itself, started as
 * a subprocess on a free port and stopped at the end; the screenshot lands in test-output/dashboard.png.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'kpo-dash-'));
const seed = resolve('examples/seed-playground.yaml');
const servers: ChildProcess[] = [];
let browser: Browser;

/**
 * A page whose waits (navigation, locators) allow for a busy machine: Playwright's own 30 s default is a wall
 * clock budget a loaded CI machine can exceed; the test's own timeout bounds the whole.
 */
async function openPage(options?: Parameters<Browser['newPage']>[0]) {
  const page = await browser.newPage(options);
  page.setDefaultTimeout(120_000);
  page.setDefaultNavigationTimeout(120_000);
  return page;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is not at ${CHROMIUM}: install it with 'apt-get install -y chromium' (.ci/run does)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `kpo dashboard` on port 0 and resolves with the URL it prints. */
function startDashboard(world: string, ...flags: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn('node', [resolve('bin/kpo.js'), 'dashboard', '--local', world, '--port', '0', ...flags], {
    env: { ...process.env, NO_COLOR: '1', KPO_CONFIG: join(dir, 'no-config.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(proc);
  return new Promise((ok, fail) => {
    let out = '';
    let err = '';
    proc.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) ok({ url: m[0], proc });
    });
    proc.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
    });
    proc.on('exit', (code) => fail(new Error(`kpo dashboard exited ${code}: ${err}`)));
  });
}

function stop(proc: ChildProcess): Promise<number | null> {
  return new Promise((ok) => {
    proc.on('exit', (code) => ok(code));
    proc.kill('SIGTERM');
  });
}

const phaseOf = (page: Page) => page.locator('#title [data-phase]').getAttribute('data-phase');

describe('kpo dashboard in Chromium (local simulated cloud)', () => {
  it('applies the seed from the page, lists it, draws its graph, reconciles to Ready and deletes with confirmation', async () => {
    const world = join(dir, 'paused');
    const { url, proc } = await startDashboard(world, '--paused');
    const page = await openPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(url);
    await page.locator('#empty').waitFor();

    // Apply through the page: the same validation and store as `kpo apply`.
    await page.locator('#apply-text').fill('kind: Playground\nmetadata: { name: Bad_Name }\n');
    await page.locator('#apply').click();
    await expect.poll(() => page.locator('.error').textContent()).toMatch(/metadata|apiVersion/);
    await page.locator('#apply-text').fill(readFileSync(seed, 'utf8'));
    await page.locator('#apply').click();
    await expect.poll(() => page.locator('#apply-result').textContent()).toContain('kafka-playground created');

    // The list: the new playground with its phase, Ready, TTL and cost.
    const row = page.locator('#playgrounds tr[data-name="kafka-playground"]');
    await row.waitFor();
    expect(await row.locator('[data-phase]').getAttribute('data-phase')).toBe('Pending');
    expect(await row.textContent()).toMatch(/\$0\.\d\d\/h/);

    // The playground page: a node per resource the document implies, none built yet.
    await row.locator('a').first().click();
    await page.locator('#graph svg').waitFor();
    const nodes = page.locator('#graph g.node');
    // MSK and its configuration, 6 components, their ECS cluster and Cloud Map namespace, 3 target groups, 3 listeners, ALB
    expect(await nodes.count()).toBe(2 + 6 + 2 + 3 + 3 + 1);
    const msk = page.locator('#graph g.node[data-kind="msk-cluster"]');
    expect(await msk.getAttribute('data-tone')).toBe('idle');

    // One pass from the page: resources are being created, the MSK cluster is CREATING.
    await page.locator('#reconcile').click();
    await expect.poll(() => phaseOf(page), { timeout: 60_000 }).toBe('Provisioning');
    expect(await msk.getAttribute('data-state')).toBe('CREATING');
    expect(await msk.getAttribute('data-tone')).toBe('busy');
    expect(await page.locator('#events li').count()).toBeGreaterThan(0);

    // Until Ready (the virtual clock advances): every node green, endpoints as links, the plan has no changes.
    await page.locator('#until-ready').click();
    await expect.poll(() => phaseOf(page), { timeout: 120_000 }).toBe('Ready');
    expect(await msk.getAttribute('data-tone')).toBe('ok');
    const tones = await nodes.evaluateAll((els) => els.map((e) => e.getAttribute('data-tone')));
    expect(tones.filter((t) => t !== 'ok')).toEqual([]);
    expect(await page.locator('#endpoints a').count()).toBe(3);
    expect(await page.locator('#plan').textContent()).toContain('No changes');
    expect(await page.locator('#yaml').textContent()).toContain('name: kafka-playground');
    expect(await page.locator('[data-condition="Ready"]').textContent()).toContain('True');
    // Ready means every component works as far as AWS can tell: the health table and the graph say so.
    expect(await page.locator('[data-condition="Healthy"]').textContent()).toContain('AllComponentsHealthy');
    expect(await page.locator('#title').textContent()).toContain('healthy 6/6');
    const ui = page.locator('#health tr[data-component="schema-registry-ui"]');
    expect(await ui.getAttribute('data-health')).toBe('healthy');
    expect(await ui.textContent()).toContain('1/1 healthy');
    expect(await page.locator('#health tr[data-health="healthy"]').count()).toBe(6);
    const uiTargets = page.locator('#graph g.node[data-kind="elb-target-group"][data-key="schema-registry-ui"]');
    expect(await uiTargets.getAttribute('data-state')).toBe('healthy');
    expect(
      await page.locator('#graph g.node[data-kind="ecs-service"][data-key="connect"]').getAttribute('data-state'),
    ).toBe('healthy');
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/dashboard.png', fullPage: true });
    expect(existsSync('test-output/dashboard.png')).toBe(true);

    // Delete asks first; cancelling keeps it, confirming requests deletion.
    await page.locator('#delete').click();
    await page.locator('#confirm-cancel').click();
    await page.locator('#delete').click();
    await page.locator('#confirm-ok').click();
    await expect.poll(() => page.locator('main').textContent(), { timeout: 60_000 }).toMatch(/deletion requested/);

    expect(problems).toEqual([]);
    await page.close();
    expect(await stop(proc)).toBe(0);
    // The world was saved: the CLI sees what the page did.
    const got = spawnSync('node', [resolve('bin/kpo.js'), 'get', 'kafka-playground', '-o', 'json', '--local', world], {
      encoding: 'utf8',
    });
    expect(
      (JSON.parse(got.stdout) as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp,
    ).toBeTruthy();
  }, 400_000);

  it('shows the seed playground converge live while the operator loop runs (server-sent events)', async () => {
    const world = join(dir, 'live');
    const applied = spawnSync('node', [resolve('bin/kpo.js'), 'apply', '-f', seed, '--local', world], {
      encoding: 'utf8',
    });
    expect(applied.status).toBe(0);
    const { url, proc } = await startDashboard(world);
    const page = await openPage();
    await page.goto(`${url}#/p/kafka-playground`);
    await page.locator('#graph svg').waitFor();
    const seen = new Set<string>();
    // No clicks and no reloads: the page redraws when the server says something changed.
    await expect
      .poll(
        async () => {
          const p = await phaseOf(page);
          if (p) seen.add(p);
          return p;
        },
        { timeout: 240_000, interval: 500 },
      )
      .toBe('Ready');
    expect(seen.has('Provisioning')).toBe(true);
    expect(await page.textContent('#live')).toContain('operator loop running');
    await page.close();
    expect(await stop(proc)).toBe(0);
  }, 400_000);

  it('shows an unhealthy component, why, and its last stopped reason; the graph draws it red and the list counts it', async () => {
    // Prepare: a world whose connect image cannot be pulled, reconciled until the operator reports it.
    const world = join(dir, 'unhealthy');
    const { LocalWorld } = await import('../../cli/local/world.js');
    const { validateText } = await import('../../schemas/validate-text.js');
    const { EcsModel } = await import('../../sim/ecs/model.js');
    const local = await LocalWorld.open(world);
    const broken = 'registry.example.com/connect:missing';
    const text = readFileSync(seed, 'utf8').replace('kind: connect\n', `kind: connect\n      image: ${broken}\n`);
    const doc = validateText(text).document;
    if (!doc) throw new Error('the changed seed is invalid');
    local.cloud.model<InstanceType<typeof EcsModel>>('ecs').failImage(broken);
    await local.store.apply(doc);
    const last = await local.reconcileUntil(
      'kafka-playground',
      (r) => r.status?.conditions?.find((c) => c.type === 'Healthy')?.status === 'False',
      2 * 3_600_000,
    );
    expect(last?.status?.components?.connect?.healthy).toBe(false);
    await local.save();
    const { url, proc } = await startDashboard(world, '--paused');
    const page = await openPage({ viewport: { width: 1280, height: 1000 } });
    // Act
    await page.goto(url);
    const row = page.locator('#playgrounds tr[data-name="kafka-playground"]');
    await row.waitFor();
    // Assess: the list counts the healthy components (not all of them)
    expect(await row.locator('.ready').textContent()).toContain('False');
    expect(await row.locator('.health').textContent()).toMatch(/^[0-5]\/6$/);
    await page.goto(`${url}#/p/kafka-playground`);
    await page.locator('#graph svg').waitFor();
    expect(await page.locator('[data-condition="Healthy"]').textContent()).toContain(
      'connect: tasks keep stopping: CannotPullContainerError',
    );
    const connect = page.locator('#health tr[data-component="connect"]');
    expect(await connect.getAttribute('data-health')).toBe('unhealthy');
    expect(await connect.locator('.last-stopped').textContent()).toMatch(/^CannotPullContainerError/);
    const node = page.locator('#graph g.node[data-kind="ecs-service"][data-key="connect"]');
    expect(await node.getAttribute('data-tone')).toBe('bad');
    expect(await node.locator('title').textContent()).toContain('last stopped: CannotPullContainerError');
    await page.close();
    expect(await stop(proc)).toBe(0);
  }, 400_000);

  it('kpo local serve serves the dashboard beside the API on one port', async () => {
    const world = join(dir, 'serve');
    const port = await new Promise<number>((ok) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => ok(p));
      });
    });
    const proc = spawn('node', [resolve('bin/kpo.js'), 'local', 'serve', '--local', world, '--port', String(port)], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    servers.push(proc);
    await new Promise<void>((ok) => proc.stdout?.on('data', (b: Buffer) => b.toString().includes('dashboard') && ok()));
    const base = `http://127.0.0.1:${port}`;
    const put = await fetch(`${base}/playgrounds/kafka-playground`, {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: readFileSync(seed, 'utf8'),
    });
    expect(put.status).toBe(201);
    const page = await openPage();
    await page.goto(`${base}/`);
    await page.locator('#playgrounds tr[data-name="kafka-playground"]').waitFor();
    expect(await page.textContent('#target')).toContain('local');
    // Actions need the dashboard's header: a plain cross-site form post is refused.
    const forged = await fetch(`${base}/_dash/api/playgrounds/kafka-playground`, { method: 'DELETE' });
    expect(forged.status).toBe(403);
    await page.close();
    expect(await stop(proc)).toBe(0);
  }, 240_000);
});
