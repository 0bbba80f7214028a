/**
 * `npm run demo`: the whole lifecycle of the seed playground on the embedded simulated cloud, in under a
 * minute of wall time (simulated time runs on a virtual clock: MSK takes its real 20 minutes).
 *   apply → converge (live) → endpoints → component health → a service deleted out of band → healed by the event →
 *   delete → MSK configuration collected → nothing left.
 * Exits non-zero if any step does not reach its expected state.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { colorsFor } = await import('../cli/output.js');
const { componentsTable } = await import('../cli/render.js');
const { inventory } = await import('../cli/commands/local.js');
const { LocalWorld } = await import('../cli/local/world.js');
const { collectGarbage } = await import('../reconcilers/fleet/collect.js');
const { validateText } = await import('../schemas/validate-text.js');

const out = process.stdout;
const c = colorsFor(out, process.env);
const tty = out.isTTY === true && !process.env.CI;
const say = (s = '') => out.write(`${s}\n`);
const step = (n: number, s: string) => say(`\n${c.bold(c.cyan(`${n}.`))} ${c.bold(s)}`);
const fail = (s: string): never => {
  say(c.red(`✗ ${s}`));
  process.exit(1);
};

const dir = await mkdtemp(join(tmpdir(), 'kpo-demo-'));
try {
  const world = await LocalWorld.open(dir);
  const clock = () => new Date(world.cloud.clock.now()).toISOString().slice(11, 19);
  const file = new URL('../examples/seed-playground.yaml', import.meta.url);
  const v = validateText(await readFile(file));
  if (!v.valid || !v.document) fail(`examples/seed-playground.yaml is invalid: ${JSON.stringify(v.errors)}`);
  const doc = v.document!;
  const name = doc.metadata.name;
  say(c.bold('kafka-playground-operator demo') + c.dim(' — on the embedded simulated cloud (virtual clock)'));

  step(1, `apply examples/seed-playground.yaml: MSK (3 brokers), 6 Kafka tools on ECS, Cloud Map, an ALB`);
  await world.apply(doc);
  say(`playground/${name} created`);

  step(2, 'reconcile until Ready (one pass whenever the operator asks to look again)');
  let lastDrawn = 0;
  let lastText = '';
  const ready = await world.reconcileUntil(
    name,
    (r) => r.outcome === 'ready',
    2 * 3_600_000,
    (r) => {
      const res = r.status?.resources ?? [];
      const byState = new Map<string, number>();
      for (const x of res) byState.set(x.state, (byState.get(x.state) ?? 0) + 1);
      const states = [...byState.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
      const acts = r.actions.length > 0 ? c.green(` +${r.actions.length} action(s)`) : '';
      const msk = res.find((x) => x.kind === 'msk-cluster')?.state ?? '-';
      const body = `${(r.status?.phase ?? r.outcome).padEnd(12)} MSK ${msk.padEnd(8)} ${res.length} resources: ${states}${acts}`;
      const text = `${c.dim(`[sim ${clock()}]`)} ${body}`;
      if (tty && lastDrawn > 0 && body === lastText)
        out.write('\x1b[1A\x1b[2K'); // a terminal redraws the line
      else if (!tty && body === lastText) return; // plain output: a line only when something changed
      say(text);
      lastText = body;
      lastDrawn++;
    },
  );
  if (ready?.outcome !== 'ready') fail(`not Ready: ${JSON.stringify(ready?.status?.conditions)}`);
  say(
    c.green(
      `✓ Ready after ${clock()} of simulated time (MSK creation dominates), ${ready?.status?.resources?.length} resources`,
    ),
  );

  step(3, 'endpoints');
  const e = ready?.status?.endpoints ?? {};
  say(`  bootstrap servers   ${e.bootstrapServers?.split(',')[0]},…`);
  for (const [k, u] of Object.entries(e.urls ?? {})) say(`  ${k.padEnd(19)} ${c.underline(u)}`);
  for (const [k, s] of Object.entries(e.services ?? {})) say(c.dim(`  ${k.padEnd(19)} ${s}`));

  step(4, 'component health (Ready means it works, as far as AWS can tell)');
  const healthy = ready?.status?.conditions?.find((x) => x.type === 'Healthy');
  if (healthy?.status !== 'True') fail(`not Healthy: ${healthy?.message ?? 'no Healthy condition'}`);
  say(
    componentsTable(ready?.status ? { ...doc, status: ready.status } : doc, c)
      .replace(/^/gm, '  ')
      .trimEnd(),
  );
  say(c.green(`✓ Healthy: ${healthy?.message}`));

  step(5, 'someone deletes the connect service behind the operator’s back');
  const cluster = ready?.status?.resources?.find((r) => r.kind === 'ecs-cluster')?.id ?? '';
  world.cloud.drainEvents(); // earlier events were about the playground's own creation
  world.cloud.model<import('../sim/ecs/model.js').EcsModel>('ecs').tamperDeleteService(cluster, 'connect');
  await world.cloud.clock.advance(5_000);
  const events = world.cloud
    .peekEvents()
    .map((ev) => `${ev['detail-type']} (${String(ev.detail.eventName ?? ev.detail.lastStatus ?? '')})`);
  say(`  AWS emits: ${[...new Set(events)].join('; ')}`);
  const heals = await world.heal();
  for (const h of heals) say(`  self-heal: ${h.event} → pass for ${h.playground}: ${h.result?.outcome}`);
  const healed = await world.reconcileUntil(
    name,
    (r) => r.outcome === 'ready',
    3_600_000,
    (r) => {
      if (r.actions.length > 0)
        say(`  ${c.dim(`[sim ${clock()}]`)} ${r.actions.map((a) => `${a.type} ${a.step}`).join(', ')}`);
    },
  );
  const recreated = healed?.status?.events?.some(
    (ev) =>
      ev.message.startsWith('Created ecs-service/connect') &&
      ev.time > new Date(world.cloud.clock.now() - 3_600_000).toISOString(),
  );
  if (healed?.outcome !== 'ready' || !recreated) fail('the connect service was not restored');
  say(c.green(`✓ healed: the connect service is back and the playground is Ready again (${clock()})`));

  step(6, 'delete the playground');
  await world.store.markForDeletion(name, { now: world.cloud.clock.now() });
  let passes = 0;
  const gone = await world.reconcileUntil(
    name,
    (r) => r.outcome === 'deleted',
    3 * 3_600_000,
    (r) => {
      passes++;
      const done = r.actions.filter((a) => a.ok).map((a) => `${a.type} ${a.step}`);
      const later = r.actions.filter((a) => !a.ok).map((a) => `${a.type} ${a.step}`);
      if (done.length > 0) say(`  ${c.dim(`[sim ${clock()}]`)} ${done.join(', ')}`);
      if (later.length > 0)
        say(`  ${c.dim(`[sim ${clock()}]`)} ${c.yellow('AWS not ready yet, retried next pass:')} ${later.join(', ')}`);
    },
  );
  if (gone?.outcome !== 'deleted') fail('teardown did not finish');
  say(c.green(`✓ deleted in dependency order over ${passes} passes; the document is gone`));

  step(7, 'orphan sweep and what is left');
  const gc = await collectGarbage({
    aws: world.aws,
    store: world.store,
    now: world.cloud.clock.now(),
    graceMs: 10 * 60_000,
    dryRun: false,
  });
  const configsLeft = inventory(world).filter((i) => i.type === 'kafka:configuration' && !i.name.includes('DELETING'));
  say(
    `  MSK configurations: ${configsLeft.length === 0 ? 'none left (deleted with the playground; AWS never does it by itself)' : configsLeft.map((x) => x.name).join(', ')}`,
  );
  say(`  orphan sweep: ${gc.configurations.length + gc.orphans.length} finding(s)`);
  await world.cloud.clock.advance(60_000);
  const left = inventory(world);
  if (left.length > 0) fail(`left behind: ${left.map((l) => `${l.type} ${l.name}`).join(', ')}`);
  say(c.green('✓ nothing left in the simulated account'));
  say(
    c.dim(
      `\ndone in ${process.uptime().toFixed(1)} s of wall time. Try it yourself: npx kpo apply -f examples/seed-playground.yaml && npx kpo reconcile kafka-playground --until-ready`,
    ),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
