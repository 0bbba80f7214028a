/**
 * Every error the operator raises is one of these named classes. Each carries what a user needs to act:
 * where (document path or resource), the AWS error name when AWS said no, and what to do about it.
 * Raw SDK errors never leave the module that called the SDK: they are wrapped here with `cause` kept.
 */

export interface ErrorDetails {
  /** JSON-pointer-like path into the Playground document, e.g. `/spec/kafka/msk/brokers`. */
  path?: string;
  /** The AWS error name (`ConflictException`, `ThrottlingException`, …) when AWS rejected a call. */
  awsError?: string;
  /** What the user (or operator) should do next. */
  hint?: string;
  cause?: unknown;
}

export abstract class KpoError extends Error {
  abstract readonly code: string;
  readonly path: string | undefined;
  readonly awsError: string | undefined;
  readonly hint: string | undefined;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.path = details.path;
    this.awsError = details.awsError;
    this.hint = details.hint;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.path === undefined ? {} : { path: this.path }),
      ...(this.awsError === undefined ? {} : { awsError: this.awsError }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    };
  }
}

/** One problem found while validating a document. */
export interface ValidationIssue {
  path: string;
  code: string;
  message: string;
}

/** The document is invalid; `issues` lists every problem, not just the first. */
export class ValidationError extends KpoError {
  readonly code = 'ValidationFailed';
  constructor(
    readonly issues: ValidationIssue[],
    readonly warnings: ValidationIssue[] = [],
  ) {
    super(
      `the document has ${issues.length} problem${issues.length === 1 ? '' : 's'}: ${issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')}`,
    );
  }
}

/** Input that cannot even be parsed (not UTF-8, too large, not YAML/JSON, empty). */
export class DocumentParseError extends KpoError {
  readonly code = 'DocumentUnreadable';
}

/** AWS throttled us and retries ran out (or the pass budget did). Transient: retry later. */
export class AwsThrottledError extends KpoError {
  readonly code = 'AwsThrottled';
}

/** A transient AWS failure (5xx, network, throttling after retries). The pass is retried with backoff. */
export class AwsTransientError extends KpoError {
  readonly code = 'AwsTransient';
}

/** AWS rejected a call in a way retrying will not fix (bad parameters, limits, permissions). */
export class AwsRequestError extends KpoError {
  readonly code = 'AwsRequestRejected';
}

/** A resource with the name the operator needs exists but does not carry its ownership marks. */
export class OwnershipConflictError extends KpoError {
  readonly code = 'OwnershipConflict';
}

/** The change cannot be made in place by AWS and the document did not opt in to replacement. */
export class ReplacementRequiredError extends KpoError {
  readonly code = 'ReplacementRequired';
}

/** An optimistic-concurrency check failed: someone else wrote the item first. */
export class ConcurrentModificationError extends KpoError {
  readonly code = 'ConcurrentModification';
}

/** The playground does not exist. */
export class NotFoundError extends KpoError {
  readonly code = 'NotFound';
}

/** Creating something that already exists (e.g. a playground name taken). */
export class AlreadyExistsError extends KpoError {
  readonly code = 'AlreadyExists';
}

/** Another reconciler holds the playground's lease. */
export class LeaseHeldError extends KpoError {
  readonly code = 'LeaseHeld';
}

/** The pass ran out of its time or call budget; the remaining work is requeued. */
export class BudgetExhaustedError extends KpoError {
  readonly code = 'BudgetExhausted';
}

/** Configuration of the operator itself (environment, CLI flags) is wrong. */
export class ConfigurationError extends KpoError {
  readonly code = 'ConfigurationInvalid';
}

/** Raised by the simulated cloud's crash-point fault: the process "died" right after a mutating call. */
export class SimulatedCrashError extends KpoError {
  readonly code = 'SimulatedCrash';
}

/** An invariant of the operator itself was broken; a bug, never a user error. */
export class InternalError extends KpoError {
  readonly code = 'Internal';
}

export function assertNever(value: never, what = 'value'): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify(value)}`);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
