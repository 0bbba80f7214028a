/** Real event shapes for invoking the bundled handlers the way Lambda does. */
import type { APIGatewayProxyEvent, Context, ScheduledEvent } from 'aws-lambda';

export function lambdaContext(functionName: string, remainingMs = 900_000): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/01/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => Math.max(0, remainingMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function apiEvent(
  method: string,
  path: string,
  opts: { body?: string; headers?: Record<string, string>; query?: Record<string, string>; resource?: string } = {},
): APIGatewayProxyEvent {
  const name = /^\/playgrounds\/([^/]+)/.exec(path)?.[1];
  return {
    resource: opts.resource ?? path.replace(/^\/playgrounds\/[^/]+/, '/playgrounds/{name}'),
    path,
    httpMethod: method,
    headers: { 'Content-Type': 'application/yaml', ...(opts.headers ?? {}) },
    multiValueHeaders: {},
    queryStringParameters: opts.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: name ? { name } : null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: '123456789012',
        apiKey: null,
        apiKeyId: null,
        caller: 'AIDAEXAMPLE',
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.10',
        user: 'AIDAEXAMPLE',
        userAgent: 'test',
        userArn: 'arn:aws:iam::123456789012:user/alice',
      },
      path: `/prod${path}`,
      stage: 'prod',
      requestId: `api-${Math.random().toString(16).slice(2)}`,
      requestTimeEpoch: Date.now(),
      resourceId: 'res1',
      resourcePath: path,
    },
    body: opts.body ?? null,
    isBase64Encoded: false,
  };
}

export function scheduledEvent(time: string): ScheduledEvent {
  return {
    version: '0',
    id: `sched-${Math.random().toString(16).slice(2)}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time,
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/kpo-reconcile-schedule'],
    detail: {},
  };
}
