/**
 * Plugs the simulated cloud in behind a real SDK v3 client: a middleware at the start of the stack hands the
 * command's input to the model and returns its output as the command's result. Everything the operator does
 * above the client (command construction, error handling) is the code that runs against AWS.
 */
import type { MetadataBearer, Pluggable } from '@smithy/types';
import type { ClientOptions, ServiceKey } from '../../lib/aws.js';
import type { SimCloud } from './cloud.js';

export function simPlugin(cloud: SimCloud, service: ServiceKey): Pluggable<object, MetadataBearer> {
  return {
    applyToStack(stack) {
      stack.add(
        (_next, context) => async (args) => {
          const operation = (context.commandName ?? '').replace(/Command$/, '');
          const output = (await cloud.call(service, operation, args.input as Record<string, unknown>)) as Record<
            string,
            unknown
          >;
          return {
            output: {
              ...output,
              $metadata: { httpStatusCode: 200, requestId: cloud.rng.uuid(), attempts: 1, totalRetryDelay: 0 },
            } as MetadataBearer,
            response: { statusCode: 200, headers: {}, body: undefined },
          };
        },
        { step: 'initialize', name: 'kpoSimulatedCloud', priority: 'low', override: true },
      );
    },
  };
}

/** Client options that route every service of `createClients` to `cloud`. */
export function simClientOptions(cloud: SimCloud): ClientOptions {
  return {
    region: cloud.region,
    credentials: { accessKeyId: 'SIMULATED', secretAccessKey: 'SIMULATED' },
    plugins: (service: ServiceKey) => [simPlugin(cloud, service)],
  };
}
