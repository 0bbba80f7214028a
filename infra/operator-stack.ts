/**
 * The operator: the Playground table (with its stream), the functions and what invokes them, the REST API,
 * the role and log group the playgrounds' ECS tasks use, and alarms. Settings come from context
 * (infra/config.ts); code from `props.code` (infra/code.ts).
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { PlaygroundApi } from './api.js';
import { OperatorAlarms } from './alarms.js';
import type { CodeFor } from './code.js';
import { type OperatorSettingsContext, settingsFromNode } from './config.js';
import { OperatorFunctions } from './functions.js';
import { OperatorQueues } from './queues.js';
import { OperatorTriggers } from './triggers.js';

export interface OperatorStackProps extends StackProps {
  code: CodeFor;
  /** Defaults to schemas/playground.schema.json. */
  schemaFile?: string;
}

export class OperatorStack extends Stack {
  readonly settings: OperatorSettingsContext;
  readonly table: dynamodb.Table;
  readonly taskExecutionRole: iam.Role;
  readonly taskLogGroup: logs.LogGroup;
  readonly queues: OperatorQueues;
  readonly functions: OperatorFunctions;
  readonly triggers: OperatorTriggers;
  readonly api: PlaygroundApi;
  readonly alarms: OperatorAlarms;

  constructor(scope: Construct, id: string, props: OperatorStackProps) {
    super(scope, id, props);
    this.settings = settingsFromNode(this.node);

    this.table = new dynamodb.Table(this, 'Playgrounds', {
      partitionKey: { name: 'name', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      // Documents describe live AWS resources: never dropped with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.taskLogGroup = new logs.LogGroup(this, 'PlaygroundTaskLogs', {
      retention: logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.taskExecutionRole = this.createTaskExecutionRole();

    this.queues = new OperatorQueues(this, 'Queues');
    this.functions = new OperatorFunctions(this, 'Functions', {
      code: props.code,
      table: this.table,
      queues: this.queues,
      taskExecutionRole: this.taskExecutionRole,
      taskLogGroup: this.taskLogGroup,
      settings: this.settings,
    });
    this.triggers = new OperatorTriggers(this, 'Triggers', {
      functions: this.functions.functions,
      table: this.table,
      queues: this.queues,
      settings: this.settings,
    });
    this.api = new PlaygroundApi(this, 'Api', {
      handler: this.functions.functions.api,
      ...(props.schemaFile === undefined ? {} : { schemaFile: props.schemaFile }),
    });
    this.alarms = new OperatorAlarms(this, 'Alarms', {
      functions: this.functions.functions,
      deadLetterQueues: {
        WorkDlq: this.queues.workDlq,
        StreamFailures: this.queues.streamFailures,
        HealFailures: this.queues.healFailures,
      },
      alarmEmail: this.settings.alarmEmail,
    });
    this.addOutputs();
  }

  /**
   * What the playgrounds' ECS tasks run as: pull images and write to the task log group, nothing else. An
   * inline policy scoped to that log group instead of AmazonECSTaskExecutionRolePolicy (which allows every
   * log group); `aws:SourceAccount` against confused-deputy use
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html).
   */
  private createTaskExecutionRole(): iam.Role {
    const role = new iam.Role(this, 'PlaygroundTaskExecutionRole', {
      description: 'ECS task execution role for playground tasks (image pull, logs)',
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteTaskLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.taskLogGroup.logGroupArn],
      }),
    );
    // Private images from this account's ECR; public images (Docker Hub, ECR Public) need no permission.
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'EcrAuth', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EcrPull',
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        resources: [this.formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' })],
      }),
    );
    return role;
  }

  private addOutputs(): void {
    const s = this.settings;
    const out = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    out('ApiUrl', this.api.api.url, 'Playground REST API (SigV4-signed requests, execute-api:Invoke)');
    out('TableName', this.table.tableName, 'DynamoDB table of Playground documents (TABLE_NAME for the CLI)');
    out('WorkQueueUrl', this.queues.work.queueUrl, 'Work queue reconcile-scheduled fans out to');
    out('AlarmTopicArn', this.alarms.topic.topicArn, 'SNS topic of every operator alarm');
    out('TaskExecutionRoleArn', this.taskExecutionRole.roleArn, 'ECS task execution role of playground tasks');
    out('TaskLogGroupName', this.taskLogGroup.logGroupName, 'CloudWatch log group of playground tasks');
    // Defaults for playground documents; the operator's functions run outside any VPC.
    out('DefaultVpcId', s.vpcId ?? '(none: set spec.network.vpcId)', 'Default VPC for playground documents');
    out('DefaultSubnetIds', s.subnetIds.join(',') || '(none)', 'Default subnets for playground documents');
    out('DefaultAllowedCidrs', s.allowedCidrs.join(',') || '(none)', 'Default CIDRs allowed to reach playground ALBs');
  }
}
