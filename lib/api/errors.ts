/** Maps the operator's typed errors to problem+json responses; nothing raw reaches a client. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { KpoError, ValidationError } from '../errors.js';
import { header, problem } from './http.js';

export function errorResponse(
  err: unknown,
  event: APIGatewayProxyEvent | undefined,
  requestId: string,
): APIGatewayProxyResult {
  if (err instanceof ValidationError) {
    return problem(422, 'ValidationFailed', err.message, { errors: err.issues, warnings: err.warnings });
  }
  if (err instanceof KpoError) {
    const hint = err.hint ? { hint: err.hint } : {};
    const conditional = !!(header(event?.headers, 'if-match') || header(event?.headers, 'if-none-match'));
    switch (err.code) {
      case 'DocumentUnreadable':
        return problem(400, err.code, err.message, hint);
      case 'NotFound':
        return problem(404, err.code, err.message, hint);
      case 'AlreadyExists':
        return problem(conditional ? 412 : 409, err.code, err.message, hint);
      case 'ConcurrentModification':
        return problem(conditional ? 412 : 409, err.code, err.message, hint);
      case 'AwsRequestRejected':
        return problem(502, err.code, err.message, { ...hint, ...(err.awsError ? { awsError: err.awsError } : {}) });
      case 'AwsThrottled':
      case 'AwsTransient':
        return problem(503, err.code, 'a dependency is busy; retry shortly', hint, { 'retry-after': '5' });
      default:
        break;
    }
  }
  const status = (err as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const route = event ? `${event.httpMethod} ${event.path}` : 'this route';
    return problem(status, status === 405 ? 'MethodNotAllowed' : 'NotFound', `no route for ${route}`);
  }
  return problem(500, 'Internal', `unexpected error; quote request id ${requestId} when reporting it`, { requestId });
}
