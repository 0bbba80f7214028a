/**
 * Test helpers for the CDK app: a fresh operator stack synthesized with cdk.json's context (inline stand-in
 * code, no cdk-nag, no built-in template validation: those have their own test), and a view of its IAM
 * policies as plain statements.
 */
import { App, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { addOperatorStack, cdkJsonContext } from '../../infra/build.js';
import { type FunctionName, placeholderCode } from '../../infra/code.js';
import type { PolicyKind } from '../../infra/functions.js';
import type { OperatorStack } from '../../infra/operator-stack.js';

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }>;

export interface Synthesized {
  stack: OperatorStack;
  template: Template;
  resources: Resources;
  /** Logical ID of an L2 construct's CloudFormation resource. */
  idOf(construct: { node: { defaultChild?: unknown } }): string;
}

export function synthOperator(context: Record<string, unknown> = {}): Synthesized {
  const app = new App({
    context: { ...cdkJsonContext(), ...context },
    stackTraces: false,
    builtinCloudFormationValidation: false,
  });
  const { stack } = addOperatorStack(app, { code: placeholderCode, nag: false });
  const template = Template.fromStack(stack);
  return {
    stack,
    template,
    resources: template.toJSON().Resources as Resources,
    idOf: (c) => stack.getLogicalId(c.node.defaultChild as CfnResource),
  };
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyInfo {
  id: string;
  type: string;
  roles: string[];
  statements: Statement[];
}

export const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
export const actionsOf = (s: Statement) => list(s.Action);
/** Resources as cdk-nag writes them: `arn:<AWS::Partition>:…`. */
export const resourcesOf = (s: Statement) => list(s.Resource).map((r) => flattenCfnReference(r));

/** Actions that change something (IAM action names are `service:Verb…`). */
export const MUTATING =
  /^[a-z0-9-]+:(Create|Update|Delete|Modify|Register|Deregister|Authorize|Revoke|Put|Tag|Untag|Add|Remove|Attach|Detach|Set|Change|Associate)/;

/** Whether a granted action (possibly with `*`) covers an action. */
export const covers = (granted: string, action: string) =>
  new RegExp(`^${granted.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(action);

/** Every inline and customer managed policy, with the roles it is attached to. */
export function iamView(s: Synthesized) {
  const policies: PolicyInfo[] = Object.entries(s.resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
    .map(([id, r]) => ({
      id,
      type: r.Type,
      roles: list(r.Properties.Roles as { Ref: string }[]).map((x) => x.Ref),
      statements: list((r.Properties.PolicyDocument as { Statement: Statement[] }).Statement),
    }));
  const roleId = (name: FunctionName) => s.idOf(s.stack.functions.roles[name]);
  const statementsOf = (name: FunctionName) =>
    policies.filter((p) => p.roles.includes(roleId(name))).flatMap((p) => p.statements);
  return {
    policies,
    roleId,
    statementsOf,
    docOf: (kind: PolicyKind) => policies.find((p) => p.id === s.idOf(s.stack.functions.policies[kind]))!,
    grantedTo: (name: FunctionName) =>
      statementsOf(name)
        .filter((x) => x.Effect === 'Allow')
        .flatMap(actionsOf),
  };
}
