/**
 * Alarms, all to one SNS topic: any function error, any message in a dead-letter queue, and playgrounds
 * stuck in a failed state (the `PlaygroundsStuck` metric functions/runtime/lambda.ts emits through Powertools).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTION_NAMES, type FunctionName } from './code.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from './functions.js';

export interface OperatorAlarmsProps {
  functions: Record<FunctionName, lambda.IFunction>;
  deadLetterQueues: Record<string, sqs.IQueue>;
  alarmEmail: string | undefined;
}

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

export class OperatorAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperatorAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'kafka-playground-operator alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    const add = (alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };

    for (const name of FUNCTION_NAMES) {
      add(
        props.functions[name]
          .metricErrors({ period: Duration.minutes(5), statistic: 'Sum' })
          .createAlarm(this, `${pascal(name)}Errors`, {
            alarmDescription: `The ${name} function reported errors`,
            threshold: 0,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      add(
        queue
          .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
          .createAlarm(this, `${name}NotEmpty`, {
            alarmDescription: `Messages are waiting in the ${name} dead-letter queue`,
            threshold: 0,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }
    // Powertools adds the `service` dimension to every metric; the alarm must name it to match.
    const stuck = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'PlaygroundsStuck',
      dimensionsMap: { service: SERVICE_NAME },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
    add(
      stuck.createAlarm(this, 'PlaygroundsNotReady', {
        alarmName: `${Stack.of(this).stackName}-PlaygroundsNotReady`,
        alarmDescription: 'Playgrounds keep ending passes in a failed state (15 minutes)',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
