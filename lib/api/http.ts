/** HTTP helpers for the API: application/problem+json (RFC 9457) errors and JSON responses. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ValidationIssue } from '../errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ValidationIssue[];
  warnings?: ValidationIssue[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  const body: Problem = {
    type: `https://kpo.dev/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...extra,
  };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(body),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** ETags are the item's resourceVersion, quoted (RFC 9110 §8.8.3). */
export const etag = (resourceVersion: string | undefined) =>
  resourceVersion === undefined ? {} : { etag: `"${resourceVersion}"` };

export function parseEtag(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^(?:W\/)?"?([^"]*)"?$/.exec(header.trim());
  return m?.[1];
}

export function header(headers: Record<string, string | undefined> | null | undefined, name: string) {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}
