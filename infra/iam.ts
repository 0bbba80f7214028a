/**
 * The operator's AWS permissions, least privilege. Policy documents, attached per function role
 * (infra/functions.ts):
 * - READ: Describe/List/Get, on `*` because these APIs have no resource-level permissions (or the name is
 *   unknown before the call); api and every reconciler.
 * - CREATE (two documents, for the managed-policy size limit): creates only when the request carries
 *   `kpo.io/managed-by=kafka-playground-operator` (`aws:RequestTag`), tag-on-create only for the create
 *   action, names under the `kpo-` prefix, PassRole only for the task execution role to ECS tasks; worker,
 *   stream and self-heal (not gc, which only tears down).
 * - MUTATE: updates and deletes only of resources that carry the ownership tag (`aws:ResourceTag`) and, where
 *   the ARN holds a name, the `kpo-` prefix; MSK configurations take no tags, so their ARN prefix is the guard.
 * Resource types and condition keys per action: https://docs.aws.amazon.com/service-authorization/latest/reference/
 * (list_amazonelasticcontainerservice, list_amazonmanagedstreamingforapachekafka, list_awscloudmap,
 * list_awselasticloadbalancingv2, list_amazonec2, list_amazonroute53). Actions and ARN patterns: iam-scope.ts.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { MANAGED_BY, TAG_MANAGED_BY } from '../reconcilers/engine/ownership.js';
import { MSK_UPDATE_ACTIONS, ownedArns, READ_ACTIONS } from './iam-scope.js';

const REQUEST_TAGGED = {
  StringEquals: { [`aws:RequestTag/${TAG_MANAGED_BY}`]: MANAGED_BY },
  'ForAnyValue:StringEquals': { 'aws:TagKeys': [TAG_MANAGED_BY] },
};
const RESOURCE_TAGGED = { StringEquals: { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: MANAGED_BY } };

const s = (props: iam.PolicyStatementProps) => new iam.PolicyStatement(props);

export function readDocument(): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [new iam.PolicyStatement({ sid: 'ReadOnly', actions: READ_ACTIONS, resources: ['*'] })],
  });
}

/** Creates of ECS and ELB resources, and what creating them needs from IAM (managed policy 1 of 2: size). */
export function createContainersDocument(scope: IConstruct, taskExecutionRoleArn: string): iam.PolicyDocument {
  const a = ownedArns(scope);
  return new iam.PolicyDocument({
    statements: [
      s({
        sid: 'CreateEcsTagged',
        actions: ['ecs:CreateCluster', 'ecs:RegisterTaskDefinition'],
        resources: [a.ecsCluster, a.taskDefinition],
        conditions: REQUEST_TAGGED,
      }),
      s({
        sid: 'CreateEcsServiceInOwnedCluster',
        actions: ['ecs:CreateService'],
        resources: [a.ecsService],
        conditions: { ...REQUEST_TAGGED, ArnLike: { 'ecs:cluster': a.ecsCluster } },
      }),
      // ECS authorizes tags given at create as ecs:TagResource (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html).
      s({
        sid: 'TagEcsOnCreate',
        actions: ['ecs:TagResource'],
        resources: [a.ecsCluster, a.ecsService, a.taskDefinition],
        conditions: {
          ...REQUEST_TAGGED,
          StringEquals: {
            ...REQUEST_TAGGED.StringEquals,
            'ecs:CreateAction': ['CreateCluster', 'CreateService', 'RegisterTaskDefinition'],
          },
        },
      }),
      s({
        sid: 'CreateElbTagged',
        actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
        resources: [a.loadBalancer, a.targetGroup],
        conditions: REQUEST_TAGGED,
      }),
      // CreateListener is authorized on the load balancer: it must be ours, and the listener is tagged too.
      s({
        sid: 'CreateListenerOnOwnedAlb',
        actions: ['elasticloadbalancing:CreateListener'],
        resources: [a.loadBalancer],
        conditions: {
          ...REQUEST_TAGGED,
          StringEquals: { ...REQUEST_TAGGED.StringEquals, ...RESOURCE_TAGGED.StringEquals },
        },
      }),
      s({
        sid: 'TagElbOnCreate',
        actions: ['elasticloadbalancing:AddTags'],
        resources: [a.loadBalancer, a.targetGroup, a.listener],
        conditions: {
          ...REQUEST_TAGGED,
          StringEquals: {
            ...REQUEST_TAGGED.StringEquals,
            'elasticloadbalancing:CreateAction': ['CreateLoadBalancer', 'CreateTargetGroup', 'CreateListener'],
          },
        },
      }),
      s({
        sid: 'PassTaskExecutionRoleToEcsTasks',
        actions: ['iam:PassRole'],
        resources: [taskExecutionRoleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
      s({
        sid: 'ServiceLinkedRolesForManagedServices',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [a.serviceLinkedRole],
        conditions: {
          StringEquals: {
            'iam:AWSServiceName': [
              'ecs.amazonaws.com',
              'elasticloadbalancing.amazonaws.com',
              'kafka.amazonaws.com',
              'servicediscovery.amazonaws.com',
            ],
          },
        },
      }),
    ],
  });
}

/** Creates of security groups, Cloud Map namespaces/services and MSK clusters/configurations (2 of 2). */
export function createKafkaNetworkDocument(scope: IConstruct): iam.PolicyDocument {
  const a = ownedArns(scope);
  return new iam.PolicyDocument({
    statements: [
      s({
        sid: 'CreateSecurityGroupTagged',
        actions: ['ec2:CreateSecurityGroup'],
        resources: [a.securityGroup],
        conditions: REQUEST_TAGGED,
      }),
      // The VPC is the other resource CreateSecurityGroup is authorized on; it carries no request tags.
      s({ sid: 'CreateSecurityGroupInVpc', actions: ['ec2:CreateSecurityGroup'], resources: [a.vpc] }),
      s({
        sid: 'TagSecurityGroupOnCreate',
        actions: ['ec2:CreateTags'],
        resources: [a.securityGroup],
        conditions: {
          ...REQUEST_TAGGED,
          StringEquals: { ...REQUEST_TAGGED.StringEquals, 'ec2:CreateAction': 'CreateSecurityGroup' },
        },
      }),
      // CreatePrivateDnsNamespace has no resource type (Service Authorization Reference).
      s({
        sid: 'CreateNamespaceTagged',
        actions: ['servicediscovery:CreatePrivateDnsNamespace'],
        resources: ['*'],
        conditions: REQUEST_TAGGED,
      }),
      s({
        sid: 'CreateCloudMapServiceTagged',
        actions: ['servicediscovery:CreateService'],
        resources: [a.namespace, a.cloudMapService],
        conditions: REQUEST_TAGGED,
      }),
      // What CreatePrivateDnsNamespace requires of the caller (https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html).
      s({
        sid: 'PrivateDnsHostedZoneCreate',
        actions: ['route53:CreateHostedZone', 'route53:ListHostedZonesByName'],
        resources: ['*'],
      }),
      s({ sid: 'PrivateDnsHostedZoneRead', actions: ['route53:GetHostedZone'], resources: [a.hostedZone] }),
      // Registering again a running task's instance deregistered out of band (reconcilers/cloudmap/instance.ts), in
      // the playground's own services only; Cloud Map writes the A record in the namespace's hosted zone with the
      // caller's permissions (https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html).
      // The services use ECS's custom health check, so no Route 53 health check is created.
      s({
        sid: 'RegisterInstanceInOwnedCloudMapServices',
        actions: ['servicediscovery:RegisterInstance'],
        resources: [a.cloudMapService],
        conditions: RESOURCE_TAGGED,
      }),
      s({ sid: 'RegisterInstanceRecords', actions: ['route53:ChangeResourceRecordSets'], resources: [a.hostedZone] }),
      s({
        sid: 'CreateMskClusterTagged',
        actions: ['kafka:CreateClusterV2'],
        resources: [a.mskCluster],
        conditions: REQUEST_TAGGED,
      }),
      // MSK configurations take no tags: the name prefix is the only guard (no condition keys exist).
      s({ sid: 'CreateMskConfiguration', actions: ['kafka:CreateConfiguration'], resources: [a.mskConfiguration] }),
      // CreateClusterV2 dependent actions (Service Authorization Reference) on MSK's service-linked role. Its
      // kms:CreateGrant/DescribeKey are left out: documents cannot choose a customer managed key, and the
      // AWS managed aws/kafka key's own policy admits callers through MSK.
      s({
        sid: 'MskServiceLinkedRolePolicy',
        actions: ['iam:AttachRolePolicy', 'iam:PutRolePolicy'],
        resources: [a.kafkaServiceLinkedRole],
      }),
    ],
  });
}

export function mutateDocument(scope: IConstruct): iam.PolicyDocument {
  const a = ownedArns(scope);
  return new iam.PolicyDocument({
    statements: [
      s({
        sid: 'MutateOwnedEcs',
        actions: ['ecs:UpdateService', 'ecs:DeleteService', 'ecs:DeleteCluster', 'ecs:PutClusterCapacityProviders'],
        resources: [a.ecsService, a.ecsCluster],
        conditions: RESOURCE_TAGGED,
      }),
      s({ sid: 'DeregisterTaskDefinitions', actions: ['ecs:DeregisterTaskDefinition'], resources: ['*'] }),
      s({
        sid: 'MutateOwnedElb',
        actions: [
          'elasticloadbalancing:ModifyLoadBalancerAttributes',
          'elasticloadbalancing:SetSubnets',
          'elasticloadbalancing:SetSecurityGroups',
          'elasticloadbalancing:DeleteLoadBalancer',
          'elasticloadbalancing:ModifyTargetGroup',
          'elasticloadbalancing:ModifyTargetGroupAttributes',
          'elasticloadbalancing:DeleteTargetGroup',
          'elasticloadbalancing:ModifyListener',
          'elasticloadbalancing:DeleteListener',
        ],
        resources: [a.loadBalancer, a.targetGroup, a.listener],
        conditions: RESOURCE_TAGGED,
      }),
      s({
        sid: 'MutateOwnedSecurityGroups',
        actions: [
          'ec2:AuthorizeSecurityGroupIngress',
          'ec2:AuthorizeSecurityGroupEgress',
          'ec2:RevokeSecurityGroupIngress',
          'ec2:RevokeSecurityGroupEgress',
          'ec2:DeleteSecurityGroup',
        ],
        resources: [a.securityGroup],
        conditions: RESOURCE_TAGGED,
      }),
      s({
        sid: 'MutateOwnedCloudMap',
        actions: [
          'servicediscovery:UpdatePrivateDnsNamespace',
          'servicediscovery:DeleteNamespace',
          'servicediscovery:UpdateService',
          'servicediscovery:DeleteService',
        ],
        resources: [a.namespace, a.cloudMapService],
        conditions: RESOURCE_TAGGED,
      }),
      s({
        sid: 'MutateOwnedMskClusters',
        actions: MSK_UPDATE_ACTIONS,
        resources: [a.mskCluster],
        conditions: RESOURCE_TAGGED,
      }),
      // UpdateClusterConfiguration is also authorized on the configuration, which has no tags.
      s({
        sid: 'MutateOwnedMskConfigurations',
        actions: ['kafka:UpdateConfiguration', 'kafka:DeleteConfiguration', 'kafka:UpdateClusterConfiguration'],
        resources: [a.mskConfiguration],
      }),
    ],
  });
}
