/**
 * The Playground REST API: API Gateway (REST, regional) → the api function (proxy integration), SigV4/IAM
 * authorization on every method, access logs, stage throttling, and a request model for PUT built from
 * `schemas/playground.schema.json`. Routes and their semantics: functions/api/routes.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { REPO_ROOT } from './code.js';

/** `[method, path]` for every route (functions/api/routes.ts). */
export const API_ROUTES = [
  ['PUT', '/playgrounds/{name}'],
  ['GET', '/playgrounds/{name}'],
  ['DELETE', '/playgrounds/{name}'],
  ['GET', '/playgrounds'],
  ['POST', '/playgrounds/{name}/plan'],
  ['POST', '/validate'],
] as const;

/**
 * One JSON object per request, with the signing principal and the gateway's error message, if any
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html).
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  principal: '$context.identity.userArn',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integration.latency',
  error: '$context.error.message',
} as const;

export const STAGE_THROTTLING = { rateLimit: 20, burstLimit: 40 } as const;

export const SCHEMA_FILE = join(REPO_ROOT, 'schemas', 'playground.schema.json');

/** Used only when the schema file is absent: any JSON object passes, the function validates. */
const PERMISSIVE_MODEL: apigw.JsonSchema = {
  schema: apigw.JsonSchemaVersion.DRAFT4,
  type: apigw.JsonSchemaType.OBJECT,
};

/**
 * The Playground JSON Schema as an API Gateway model. API Gateway validates with draft 4
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html); the file is
 * written to read as that subset, so only `$schema` and `$id` are replaced.
 */
export function playgroundModelSchema(file: string = SCHEMA_FILE): apigw.JsonSchema | undefined {
  if (!existsSync(file)) return undefined;
  const { $schema: _dialect, $id: _id, ...rest } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return { ...rest, schema: apigw.JsonSchemaVersion.DRAFT4 } as apigw.JsonSchema;
}

export interface PlaygroundApiProps {
  handler: lambda.IFunction;
  schemaFile?: string;
}

export class PlaygroundApi extends Construct {
  readonly api: apigw.RestApi;
  readonly accessLogs: logs.LogGroup;
  /** False when the schema file was missing at synth and the permissive model was used. */
  readonly modelFromSchemaFile: boolean;

  constructor(scope: Construct, id: string, props: PlaygroundApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: 'kafka-playground-operator',
      description: 'Playground documents: create, read, delete, plan, validate',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // Execution logging (below) needs the account-level CloudWatch role.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: STAGE_THROTTLING.rateLimit,
        throttlingBurstLimit: STAGE_THROTTLING.burstLimit,
      },
    });

    const schema = playgroundModelSchema(props.schemaFile);
    this.modelFromSchemaFile = schema !== undefined;
    if (!schema) {
      Annotations.of(this).addWarningV2(
        'kpo:PermissiveRequestModel',
        `${props.schemaFile ?? SCHEMA_FILE} is missing: PUT bodies are checked only for being a JSON object at the gateway (the function still validates fully). Run \`npm run schema\` and synth again.`,
      );
    }
    const model = this.api.addModel('PlaygroundModel', {
      contentType: 'application/json',
      modelName: 'Playground',
      description: 'A Playground document (schemas/playground.schema.json)',
      schema: schema ?? PERMISSIVE_MODEL,
    });
    const bodyValidator = this.api.addRequestValidator('BodyValidator', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // The API also takes YAML: a body whose content type has no model is not validated by API Gateway
    // (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html),
    // so the model is bound to application/json only and the function validates everything.
    this.api.addGatewayResponse('InvalidBody', {
      type: apigw.ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      responseHeaders: { 'Content-Type': "'application/problem+json'" },
      templates: {
        'application/json':
          '{"type":"https://kpo.dev/problems/ValidationFailed","title":"Bad Request","status":400,"detail":"the document does not match the Playground schema; POST it to /validate to see every problem with its path"}',
      },
    });

    const integration = new apigw.LambdaIntegration(props.handler, { proxy: true, allowTestInvoke: false });
    for (const [method, path] of API_ROUTES) {
      const resource = this.api.root.resourceForPath(path);
      resource.addMethod(
        method,
        integration,
        method === 'PUT' ? { requestValidator: bodyValidator, requestModels: { 'application/json': model } } : {},
      );
    }
  }
}
