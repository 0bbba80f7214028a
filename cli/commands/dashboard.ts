/**
 * `dashboard [--local [DIR] | --table NAME | --api URL] [--port N] [--paused]`: a web page on 127.0.0.1 for
 * any target, served by this process (which holds the credentials and signs API calls). On the local target
 * the operator loop runs beside it (one wall second = one simulated minute) unless --paused.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { errorMessage } from '../../lib/errors.js';
import { withTargetOptions } from '../common.js';
import { resolveTargetOptions } from '../config.js';
import { Dashboard } from '../dashboard/server.js';
import { localLoop, mutex } from '../dashboard/loop.js';
import { type CliIo, EXIT, processIo } from '../output.js';
import { openTarget, type TargetOptions } from '../targets.js';

type Opts = TargetOptions & { port?: string; paused?: boolean };

export function register(program: Command, io: CliIo = processIo()): void {
  withTargetOptions(
    program
      .command('dashboard')
      .description('a web page for the playgrounds of a target: list, graph, health, events, actions')
      .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', '8090')
      .option('--paused', 'local target: do not run the operator loop (reconcile from the page)'),
  ).action(async (opts: Opts) => {
    try {
      const target = await openTarget(await resolveTargetOptions(opts, io.env));
      const serial = mutex();
      const world = target.world;
      const live = !!world && !opts.paused;
      const dash = new Dashboard({
        target,
        serial,
        pollMs: target.kind === 'local' ? 1000 : 5000,
        live,
        ...(world ? { afterChange: () => serial(() => world.save()) } : {}),
      });
      const stopLoop = world && live ? localLoop(world, serial) : undefined;
      const server = createServer((req, res) => {
        void dash.handle(req, res).then((handled) => {
          if (!handled) {
            res.writeHead(404, { 'content-type': 'text/plain' });
            res.end('not found\n');
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(Number(opts.port ?? 8090), '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      io.stdout.write(
        `kpo dashboard for the ${target.kind} target on http://127.0.0.1:${port}/${live ? ' (operator loop running: one wall second = one simulated minute)' : ''}; Ctrl-C stops\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          stopLoop?.();
          dash.close();
          server.closeAllConnections();
          server.close(() => resolve());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await serial(() => target.close());
    } catch (err) {
      io.stderr.write(`error: kpo dashboard: ${errorMessage(err)}\n`);
      io.exitCode = EXIT.invalid;
    }
  });
}
