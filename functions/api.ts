/** API Gateway (REST, IAM auth) → the Playground API. Routes and their semantics: functions/api/routes.ts. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { errorResponse } from '../lib/api/errors.js';
import { routes } from './api/routes.js';
import { lazyRuntime, logger, type RuntimeFactory } from './runtime/lambda.js';

export { createRuntime } from './runtime/lambda.js';

export function createHandler(factory?: RuntimeFactory) {
  const runtime = lazyRuntime(factory);
  const router = httpRouterHandler({
    routes: routes({
      store: async () => (await runtime.base()).store,
      engine: async () => (await runtime.full()).engine,
    }),
    notFoundResponse: ({ method, path }) => {
      throw Object.assign(new Error(`no route for ${method} ${path}`), { statusCode: 404 });
    },
  });
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>(router)
    .use(injectLambdaContext(logger))
    .use({ before: async (request) => logger.setCorrelationId(request.event.requestContext?.requestId) })
    .use(httpHeaderNormalizer())
    .use({
      onError: async (request) => {
        if (!(request.error as { statusCode?: number })?.statusCode)
          logger.error('request failed', { error: request.error as Error });
        request.response = errorResponse(request.error, request.event, request.context?.awsRequestId ?? 'unknown');
      },
    });
}

export const handler = createHandler();
