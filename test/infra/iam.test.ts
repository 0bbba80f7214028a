/**
 * The operator's IAM statements, read from the synthesized template: nothing mutating is granted on `*`
 * without a condition (beyond the few actions AWS offers no scoping for), creates require the ownership tag
 * in the request, changes require it on the resource, and PassRole goes only to ECS tasks.
 */
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREATORS } from '../../infra/functions.js';
import { UNSCOPABLE_MUTATIONS } from '../../infra/iam-scope.js';
import {
  actionsOf,
  covers,
  iamView,
  MUTATING,
  type PolicyInfo,
  resourcesOf,
  type Statement,
  synthOperator,
  type Synthesized,
} from './fixture.js';

const REQUEST_TAG = 'aws:RequestTag/kpo.io/managed-by';
const RESOURCE_TAG = 'aws:ResourceTag/kpo.io/managed-by';

let synth: Synthesized;
let view: ReturnType<typeof iamView>;
beforeAll(() => {
  synth = synthOperator();
  view = iamView(synth);
});

describe('Mutations on every resource', () => {
  it('are never granted without a condition, except the actions AWS offers no scoping for', () => {
    // Act
    const unconditioned = view.policies.flatMap((p) =>
      p.statements
        .filter((s) => s.Effect === 'Allow' && resourcesOf(s).includes('*') && !s.Condition)
        .flatMap((s) => actionsOf(s).filter((a) => MUTATING.test(a))),
    );
    // Assess
    expect([...new Set(unconditioned)].sort()).toEqual(Object.keys(UNSCOPABLE_MUTATIONS).sort());
    for (const reason of Object.values(UNSCOPABLE_MUTATIONS)) expect(reason.length).toBeGreaterThan(30);
  });
});

describe('Creates', () => {
  const createStatements = () => [
    ...view.docOf('createContainers').statements,
    ...view.docOf('createKafkaNetwork').statements,
  ];
  const TAGGABLE_CREATES = [
    'ecs:CreateCluster',
    'ecs:CreateService',
    'ecs:RegisterTaskDefinition',
    'ecs:TagResource',
    'elasticloadbalancing:CreateLoadBalancer',
    'elasticloadbalancing:CreateTargetGroup',
    'elasticloadbalancing:CreateListener',
    'elasticloadbalancing:AddTags',
    'ec2:CreateTags',
    'servicediscovery:CreatePrivateDnsNamespace',
    'servicediscovery:CreateService',
    'kafka:CreateClusterV2',
  ];

  it.each(TAGGABLE_CREATES)('%s requires the ownership tag in the request', (action) => {
    // Act
    const statements = createStatements().filter((s) => actionsOf(s).includes(action));
    // Assess
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      expect(s.Condition?.StringEquals?.[REQUEST_TAG]).toBe('kafka-playground-operator');
      expect(s.Condition?.['ForAnyValue:StringEquals']?.['aws:TagKeys']).toEqual(['kpo.io/managed-by']);
    }
  });

  it.each([
    ['ecs:TagResource', 'ecs:CreateAction', ['CreateCluster', 'CreateService', 'RegisterTaskDefinition']],
    [
      'elasticloadbalancing:AddTags',
      'elasticloadbalancing:CreateAction',
      ['CreateLoadBalancer', 'CreateTargetGroup', 'CreateListener'],
    ],
    ['ec2:CreateTags', 'ec2:CreateAction', 'CreateSecurityGroup'],
  ])('%s is allowed only as part of a create (%s)', (action, key, creates) => {
    // Act
    const s = createStatements().find((x) => actionsOf(x).includes(action));
    // Assess
    expect(s?.Condition?.StringEquals?.[key]).toEqual(creates);
  });

  it('creates ECS services only in kpo- clusters and listeners only on owned load balancers', () => {
    // Act
    const service = createStatements().find((s) => actionsOf(s).includes('ecs:CreateService'));
    const listener = createStatements().find((s) => actionsOf(s).includes('elasticloadbalancing:CreateListener'));
    // Assess
    expect(flattenCfnReference(service?.Condition?.ArnLike?.['ecs:cluster'])).toMatch(/:cluster\/kpo-\*$/);
    expect(listener?.Condition?.StringEquals?.[RESOURCE_TAG]).toBe('kafka-playground-operator');
  });

  it('creates security groups tagged, in any VPC the document names, and MSK configurations only under kpo-', () => {
    // Act
    const sg = createStatements().filter((s) => actionsOf(s).includes('ec2:CreateSecurityGroup'));
    const conf = createStatements().find((s) => actionsOf(s).includes('kafka:CreateConfiguration'));
    // Assess
    const untagged = sg.filter((s) => !s.Condition);
    expect(untagged.flatMap(resourcesOf)).toEqual(['arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:vpc/*']);
    expect(resourcesOf(conf!)).toEqual([
      'arn:<AWS::Partition>:kafka:<AWS::Region>:<AWS::AccountId>:configuration/kpo-*/*',
    ]);
  });

  it('contains no update or delete', () => {
    // Act
    const actions = createStatements().flatMap(actionsOf);
    // Assess
    expect(actions.filter((a) => /:(Update|Delete|Modify|Deregister|Revoke)/.test(a))).toEqual([]);
  });
});

describe('Changes and deletes', () => {
  it('require the ownership tag on the resource, or the kpo- name of untaggable MSK configurations', () => {
    // Act
    const loose = view
      .docOf('mutate')
      .statements.filter((s) => s.Condition?.StringEquals?.[RESOURCE_TAG] !== 'kafka-playground-operator');
    // Assess
    for (const s of loose) {
      const scopedByName = resourcesOf(s).every((r) => r.endsWith(':configuration/kpo-*/*'));
      const unscopable = actionsOf(s).every((a) => a in UNSCOPABLE_MUTATIONS);
      expect(scopedByName || unscopable, `${s.Sid}: ${actionsOf(s).join(', ')}`).toBe(true);
    }
  });

  it('limit name-bearing ARNs to the kpo- prefix', () => {
    // Act
    const resources = view.docOf('mutate').statements.flatMap(resourcesOf);
    // Assess
    for (const r of resources.filter((x) => /:(ecs|elasticloadbalancing|kafka):/.test(x)))
      expect(r).toMatch(/\/kpo-\*/);
  });
});

describe('IAM roles and service roles', () => {
  it('passes only the task execution role, only to ECS tasks, only from the creators', () => {
    // Act
    const pass = view.policies.flatMap((p) =>
      p.statements.filter((s) => actionsOf(s).some((a) => covers(a, 'iam:PassRole'))).map((s) => ({ p, s })),
    );
    // Assess
    expect(pass).toHaveLength(1);
    const [{ p, s }] = pass as [{ p: PolicyInfo; s: Statement }];
    expect(s.Resource).toEqual({ 'Fn::GetAtt': [synth.idOf(synth.stack.taskExecutionRole), 'Arn'] });
    expect(s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    expect(p.roles.sort()).toEqual(CREATORS.map(view.roleId).sort());
  });

  it('creates service-linked roles only for ECS, ELB, MSK and Cloud Map', () => {
    // Act
    const s = view.policies
      .flatMap((p) => p.statements)
      .find((x) => actionsOf(x).includes('iam:CreateServiceLinkedRole'));
    // Assess
    expect(s?.Condition?.StringEquals?.['iam:AWSServiceName']).toEqual([
      'ecs.amazonaws.com',
      'elasticloadbalancing.amazonaws.com',
      'kafka.amazonaws.com',
      'servicediscovery.amazonaws.com',
    ]);
    expect(resourcesOf(s!)).toEqual(['arn:<AWS::Partition>:iam::<AWS::AccountId>:role/aws-service-role/*']);
  });
});
