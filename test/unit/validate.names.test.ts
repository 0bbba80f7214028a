import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { namesFor } from '../../reconcilers/engine/names.js';
import { validateDocument } from '../../schemas/validate.js';

/** What the schema accepts for metadata.name (40) and component names (32). */
const dnsLabel = (max: number) => fc.stringMatching(new RegExp(`^[a-z0-9]([-a-z0-9]{0,${max - 2}}[a-z0-9])?$`));

// ELBv2: ≤32 alphanumerics or '-', no leading/trailing '-', not 'internal-…'
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html).
const ELB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
// MSK configuration names (https://docs.aws.amazon.com/msk/1.0/apireference/configurations.html).
const MSK_CONFIGURATION_NAME = /^[0-9A-Za-z][0-9A-Za-z-]*$/;
// ECS task definition family: up to 255 letters, numbers, '_' and '-'.
const TASK_FAMILY = /^[A-Za-z0-9_-]{1,255}$/;

function minimalDoc(name: string) {
  return {
    apiVersion: 'kpo/v1alpha1',
    kind: 'Playground',
    metadata: { name },
    spec: {
      kafka: { msk: {} },
      network: {
        vpcId: 'vpc-0a1b2c3d4e5f60718',
        subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-1b2c3d4e5f607182a', 'subnet-2c3d4e5f607182a3b'],
      },
    },
  };
}

describe('metadata.name and derived AWS names', () => {
  it('the generator produces names the schema accepts', () => {
    fc.assert(
      fc.property(dnsLabel(40), (name) => {
        expect(validateDocument(minimalDoc(name)).errors).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('every name derived from a valid playground name fits its AWS limit', () => {
    fc.assert(
      fc.property(
        dnsLabel(40),
        fc.uuid(),
        dnsLabel(32),
        fc.integer({ min: 1, max: 65535 }),
        fc.stringMatching(/^[0-9a-f]{8}$/),
        (playground, uid, component, port, contentHash) => {
          // Act
          const names = namesFor(playground, uid);

          // Assess
          expect(names.loadBalancer).toMatch(ELB_NAME);
          expect(names.loadBalancer.startsWith('internal-')).toBe(false);
          expect(names.targetGroup(component, port)).toMatch(ELB_NAME);
          expect(names.mskCluster.length).toBeLessThanOrEqual(64);
          expect(names.mskCluster).toMatch(MSK_CONFIGURATION_NAME);
          expect(names.mskConfiguration(contentHash)).toMatch(MSK_CONFIGURATION_NAME);
          expect(names.mskConfiguration(contentHash).startsWith(names.mskConfigurationPrefix)).toBe(true);
          expect(names.taskFamily(component)).toMatch(TASK_FAMILY);
          expect(names.ecsCluster).toMatch(TASK_FAMILY);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a name over 40 characters is refused by the schema', () => {
    // Act
    const result = validateDocument(minimalDoc('a'.repeat(41)));

    // Assess
    expect(result.errors).toEqual([expect.objectContaining({ path: '/metadata/name', code: 'TooLong' })]);
  });
});
