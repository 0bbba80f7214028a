/**
 * The operator's queues: the work queue reconcile-scheduled fans out to (with its DLQ), and the failure
 * destinations of the stream mapping and of self-heal. All SSE (SQS-managed keys) and TLS-only.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** reconcile-worker's timeout; the work queue's visibility timeout is 6× this. */
export const WORKER_TIMEOUT = Duration.seconds(300);

/** Lambda's guidance: visibility timeout ≥ 6× the function timeout (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html). */
export const WORK_VISIBILITY_TIMEOUT = Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6);

export const WORK_MAX_RECEIVE_COUNT = 5;

const secured = {
  encryption: sqs.QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
  removalPolicy: RemovalPolicy.DESTROY,
} as const;

export class OperatorQueues extends Construct {
  /** One message per due playground: `{"name": "<playground>"}`. */
  readonly work: sqs.Queue;
  readonly workDlq: sqs.Queue;
  /** Stream batches that kept failing (Lambda OnFailure destination: batch metadata, not the records). */
  readonly streamFailures: sqs.Queue;
  /** Self-heal events that could not be delivered or kept failing. */
  readonly healFailures: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const dlq = (name: string) => new sqs.Queue(this, name, { ...secured, retentionPeriod: Duration.days(14) });
    this.workDlq = dlq('WorkDlq');
    this.work = new sqs.Queue(this, 'Work', {
      ...secured,
      visibilityTimeout: WORK_VISIBILITY_TIMEOUT,
      // A "reconcile X" message is stale once the next schedule tick re-enqueues X.
      retentionPeriod: Duration.hours(4),
      deadLetterQueue: { queue: this.workDlq, maxReceiveCount: WORK_MAX_RECEIVE_COUNT },
    });
    this.streamFailures = dlq('StreamFailures');
    this.healFailures = dlq('HealFailures');
  }

  get deadLetterQueues(): sqs.Queue[] {
    return [this.workDlq, this.streamFailures, this.healFailures];
  }
}
