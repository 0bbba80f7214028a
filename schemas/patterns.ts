/**
 * Every regular expression of the Playground schema, said in words, with an example. Validation messages
 * and the generated document reference use these; a test checks that every pattern in the schema has one.
 */

export interface PatternHelp {
  /** What a matching value looks like, e.g. "a VPC id: vpc- followed by 8 or 17 hexadecimal digits". */
  words: string;
  example: string;
}

export const PATTERN_HELP: Readonly<Record<string, PatternHelp>> = {
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': {
    words: 'lowercase letters, digits and "-", starting and ending with a letter or digit',
    example: 'kafka-demo',
  },
  '^[A-Za-z0-9]([-A-Za-z0-9_./]{0,61}[A-Za-z0-9])?$': {
    words: 'up to 63 letters, digits, "-", "_", "." or "/", starting and ending with a letter or digit',
    example: 'team',
  },
  '^[0-9]+\\.[0-9]+\\.[0-9]+(\\.[a-z0-9]+)?$': {
    words: 'a Kafka version: three dot-separated numbers with an optional suffix',
    example: '3.6.0',
  },
  '^kafka\\.[a-z0-9]+\\.[a-z0-9]+$': {
    words: 'an MSK broker instance type: "kafka." followed by the instance family and size',
    example: 'kafka.m7g.large',
  },
  '^[a-z0-9][a-z0-9._-]*$': {
    words: 'a Kafka property name: lowercase letters, digits, ".", "_" and "-", starting with a letter or digit',
    example: 'auto.create.topics.enable',
  },
  '^[^\\s,]+:[0-9]{1,5}(,[^\\s,]+:[0-9]{1,5})*$': {
    words: 'a comma-separated list of host:port pairs without spaces',
    example: 'b-1.kafka.example.com:9092,b-2.kafka.example.com:9092',
  },
  '^vpc-[0-9a-f]{8,17}$': {
    words: 'a VPC id: "vpc-" and 8 to 17 lowercase hex digits',
    example: 'vpc-0a1b2c3d4e5f60718',
  },
  '^subnet-[0-9a-f]{8,17}$': {
    words: 'a subnet id: "subnet-" and 8 to 17 lowercase hex digits',
    example: 'subnet-0a1b2c3d4e5f60718',
  },
  '^sg-[0-9a-f]{8,17}$': {
    words: 'a security group id: "sg-" and 8 to 17 lowercase hex digits',
    example: 'sg-0a1b2c3d4e5f60718',
  },
  '^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$': {
    words: 'an IPv4 CIDR block: four dot-separated numbers, "/" and a prefix length',
    example: '203.0.113.0/24',
  },
  '^[A-Za-z_][A-Za-z0-9_]{0,254}$': {
    words: 'an environment variable name: letters, digits and "_", not starting with a digit, at most 255 characters',
    example: 'KAFKA_HEAP_OPTS',
  },
  '^/[\\x21-\\x7e]{0,1023}$': {
    words: 'a URL path starting with "/" made of printable ASCII characters without spaces',
    example: '/health',
  },
  '^([0-9]+[smhd])+$': {
    words: 'a duration: numbers each followed by s, m, h or d (seconds, minutes, hours, days)',
    example: '1d12h',
  },
  '^(.*)$': { words: 'any text', example: 'value' },
};

export function patternHelp(pattern: string): PatternHelp | undefined {
  return PATTERN_HELP[pattern];
}
