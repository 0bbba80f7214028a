/**
 * What the operator's policies name: the read-only actions, the MSK update actions, the mutating actions AWS
 * offers no scoping for, and the ARN patterns of everything the operator names (all under `kpo-`, see
 * reconcilers/engine/names.ts). Per-action resource types and condition keys:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Mutating actions that AWS offers no resource-level permission or condition key for; each is granted on
 * `*` alone, knowingly. Tests fail on any other unconditioned mutating action on `*`.
 */
export const UNSCOPABLE_MUTATIONS: Record<string, string> = {
  'ecs:DeregisterTaskDefinition':
    'no resource types or condition keys in the Service Authorization Reference; marks a revision INACTIVE, running tasks and services are not affected',
  'route53:CreateHostedZone':
    'Cloud Map CreatePrivateDnsNamespace requires it of the caller (cloud-map-api-permissions-ref); no resource type exists before creation and route53:VPCs is not reliably present on that call path',
  'xray:PutTraceSegments': 'X-Ray has no resource-level permissions (added by Lambda active tracing)',
  'xray:PutTelemetryRecords': 'X-Ray has no resource-level permissions (added by Lambda active tracing)',
};

export const READ_ACTIONS = [
  'kafka:DescribeClusterV2',
  'kafka:ListClustersV2',
  'kafka:DescribeConfiguration',
  'kafka:DescribeConfigurationRevision',
  'kafka:ListConfigurations',
  'kafka:ListConfigurationRevisions',
  'kafka:GetBootstrapBrokers',
  'kafka:ListNodes',
  'kafka:DescribeClusterOperationV2',
  'kafka:ListClusterOperationsV2',
  'kafka:ListTagsForResource',
  'kafka:GetCompatibleKafkaVersions',
  'ecs:DescribeClusters',
  'ecs:DescribeServices',
  'ecs:DescribeTaskDefinition',
  'ecs:DescribeTasks',
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:ListTasks',
  'ecs:ListTaskDefinitions',
  'ecs:ListTaskDefinitionFamilies',
  'ecs:ListTagsForResource',
  'servicediscovery:GetNamespace',
  'servicediscovery:GetService',
  'servicediscovery:GetOperation',
  'servicediscovery:ListNamespaces',
  'servicediscovery:ListServices',
  'servicediscovery:ListOperations',
  'servicediscovery:ListInstances',
  'servicediscovery:ListTagsForResource',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeListenerAttributes',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:DescribeTags',
  // MSK CreateClusterV2 and Cloud Map CreatePrivateDnsNamespace validate the network with these.
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeVpcs',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeSubnets',
  // The network preflight reads the image-pull path: route tables, NAT gateways and VPC endpoints.
  'ec2:DescribeRouteTables',
  'ec2:DescribeNatGateways',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeRegions',
  'tag:GetResources',
];

export const MSK_UPDATE_ACTIONS = [
  'kafka:UpdateBrokerCount',
  'kafka:UpdateBrokerStorage',
  'kafka:UpdateBrokerType',
  'kafka:UpdateClusterConfiguration',
  'kafka:UpdateClusterKafkaVersion',
  'kafka:UpdateConnectivity',
  'kafka:UpdateMonitoring',
  'kafka:UpdateSecurity',
  'kafka:UpdateStorage',
  'kafka:DeleteCluster',
];

/** ARNs of what the operator names, all under the `kpo-` prefix (reconcilers/engine/names.ts). */
export function ownedArns(scope: IConstruct) {
  const { partition, region, account } = Stack.of(scope);
  const arn = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${account}:${resource}`;
  return {
    ecsCluster: arn('ecs', 'cluster/kpo-*'),
    ecsService: arn('ecs', 'service/kpo-*/*'),
    taskDefinition: arn('ecs', 'task-definition/kpo-*'),
    loadBalancer: arn('elasticloadbalancing', 'loadbalancer/app/kpo-*/*'),
    targetGroup: arn('elasticloadbalancing', 'targetgroup/kpo-*/*'),
    listener: arn('elasticloadbalancing', 'listener/app/kpo-*/*'),
    securityGroup: arn('ec2', 'security-group/*'),
    vpc: arn('ec2', 'vpc/*'),
    namespace: arn('servicediscovery', 'namespace/*'),
    cloudMapService: arn('servicediscovery', 'service/*'),
    mskCluster: arn('kafka', 'cluster/kpo-*/*'),
    mskConfiguration: arn('kafka', 'configuration/kpo-*/*'),
    hostedZone: `arn:${partition}:route53:::hostedzone/*`,
    serviceLinkedRole: `arn:${partition}:iam::${account}:role/aws-service-role/*`,
    kafkaServiceLinkedRole: `arn:${partition}:iam::${account}:role/aws-service-role/kafka.amazonaws.com/AWSServiceRoleForKafka*`,
  };
}
