/**
 * Every code a validation issue can carry: stable identifiers that clients may match on. The document
 * reference lists them, and the rules can only emit codes declared here.
 */

export type Severity = 'error' | 'warning';

interface CodeInfo {
  severity: Severity;
  summary: string;
}

/** Problems of shape, type or format, found by the JSON Schema. */
export const SCHEMA_CODES = {
  Unreadable: { severity: 'error', summary: 'The text is not one YAML or JSON mapping (syntax, encoding, size).' },
  NotJsonData: { severity: 'error', summary: 'The value handed to the validator is not plain data.' },
  UnknownField: { severity: 'error', summary: 'A field the schema does not know; the message lists the allowed ones.' },
  InvalidKey: { severity: 'error', summary: 'A key of a map (env, serverProperties, labels) has the wrong format.' },
  MissingField: { severity: 'error', summary: 'A required field is absent.' },
  WrongType: { severity: 'error', summary: 'A value of the wrong type, e.g. a quoted number.' },
  InvalidFormat: {
    severity: 'error',
    summary: 'Text that does not have the required format (ids, CIDRs, durations…).',
  },
  InvalidValue: { severity: 'error', summary: 'A value outside the allowed set; the message lists it.' },
  OutOfRange: { severity: 'error', summary: 'A number below its minimum or above its maximum.' },
  TooShort: { severity: 'error', summary: 'Text shorter than allowed.' },
  TooLong: { severity: 'error', summary: 'Text longer than allowed.' },
  TooFewItems: { severity: 'error', summary: 'A list with fewer items than required.' },
  TooManyItems: { severity: 'error', summary: 'A list with more items than allowed.' },
  DuplicateItem: { severity: 'error', summary: 'A list that must hold distinct values repeats one.' },
  Invalid: { severity: 'error', summary: 'Any other schema violation.' },
} as const satisfies Record<string, CodeInfo>;

/** Problems the schema cannot express: what AWS or Kafka would reject or what would not work. */
export const RULE_CODES = {
  KafkaModeMissing: { severity: 'error', summary: 'spec.kafka has neither msk nor external.' },
  KafkaModeConflict: { severity: 'error', summary: 'spec.kafka has both msk and external.' },
  MinInSyncAboveReplication: {
    severity: 'error',
    summary: 'minInSyncReplicas > replicationFactor: acks=all producers fail with NOT_ENOUGH_REPLICAS.',
  },
  MinInSyncEqualsReplication: {
    severity: 'warning',
    summary: 'minInSyncReplicas = replicationFactor: one broker down stops acks=all writes.',
  },
  ReplicationAboveBrokers: { severity: 'error', summary: 'replicationFactor > brokers: topics cannot be created.' },
  MskSubnetCount: { severity: 'error', summary: 'MSK needs 2 or 3 client subnets in distinct Availability Zones.' },
  BrokersNotMultipleOfSubnets: { severity: 'error', summary: 'MSK spreads brokers evenly over the subnets.' },
  ReservedServerProperty: {
    severity: 'error',
    summary: 'serverProperties sets default.replication.factor or min.insync.replicas; use the dedicated fields.',
  },
  LoadBalancerSubnetCount: {
    severity: 'error',
    summary: 'Exposed components need a load balancer, which needs subnets in two Availability Zones.',
  },
  IamAuthUnsupported: {
    severity: 'error',
    summary:
      'authentication iam with components that connect to Kafka: their images lack aws-msk-iam-auth and tasks have no IAM role.',
  },
  InvalidCidr: { severity: 'error', summary: 'An allowedCidrs entry has an octet above 255 or a prefix above 32.' },
  NobodyAllowed: { severity: 'warning', summary: 'Components are exposed but allowedCidrs is empty.' },
  OpenToTheInternet: { severity: 'warning', summary: '0.0.0.0/0 with an internet-facing load balancer.' },
  CapacityProviderRequired: { severity: 'error', summary: 'launchType EC2 without capacityProvider.' },
  CapacityProviderWithFargate: { severity: 'error', summary: 'capacityProvider with launchType FARGATE.' },
  TtlOutOfRange: { severity: 'error', summary: 'ttl is zero or longer than 30 days.' },
  DuplicateComponentName: { severity: 'error', summary: 'Two components share a name.' },
  DuplicateExposePort: { severity: 'error', summary: 'Two components are exposed on the same load balancer port.' },
  MissingDependency: { severity: 'error', summary: 'A UI without the component it shows (CATALOG.requires).' },
  SchemaRegistryRequired: {
    severity: 'error',
    summary: 'Avro or Protobuf serialisation without a schema-registry component.',
  },
  ValueFormatIgnored: { severity: 'warning', summary: 'valueFormat on a kind other than connect or ksqldb.' },
  CustomImageRequired: { severity: 'error', summary: 'A custom component without image.' },
  CustomPortRequired: { severity: 'error', summary: 'A custom component without port.' },
  FargateCpuInvalid: { severity: 'error', summary: 'A cpu value Fargate does not offer.' },
  FargateMemoryInvalid: { severity: 'error', summary: 'A memoryMiB value Fargate does not offer with that cpu.' },
  StatusIgnored: { severity: 'warning', summary: 'The input carries status, which only the operator writes.' },
} as const satisfies Record<string, CodeInfo>;

export type SchemaCode = keyof typeof SCHEMA_CODES;
export type RuleCode = keyof typeof RULE_CODES;
export type IssueCode = SchemaCode | RuleCode;

export const ISSUE_CODES: Readonly<Record<IssueCode, CodeInfo>> = { ...SCHEMA_CODES, ...RULE_CODES };
