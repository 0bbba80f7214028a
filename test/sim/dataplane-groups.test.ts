/**
 * Security groups held by network interfaces (simulated cloud): EC2 refuses to delete a group while an interface
 * carries it (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html), whether the
 * interface is a task's or a broker's; once the interface is released the group can go. moto keeps no task or
 * broker interfaces, so this is the simulated cloud only.
 */
import { DeleteSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { AwsRequestError } from '../../lib/errors.js';
import { dataPlaneWorld, mskCluster, PUBLIC, service } from './dataplane-world.js';

const UI = 'landoop/schema-registry-ui:0.9.5';

async function deleteOutcome(w: Awaited<ReturnType<typeof dataPlaneWorld>>, groupId: string): Promise<string> {
  try {
    await w.aws.send('ec2', new DeleteSecurityGroupCommand({ GroupId: groupId }));
    return 'ok';
  } catch (err) {
    return err instanceof AwsRequestError ? (err.awsError ?? err.name) : String(err);
  }
}

describe('security groups carried by network interfaces (simulated cloud: moto has no task or broker interfaces)', () => {
  it('a group on a running task interface cannot be deleted (DependencyViolation); after the task stops it can', async () => {
    // Prepare: one task carrying the tasks group
    const w = await dataPlaneWorld();
    await service(w, { name: 'ui', image: UI, port: 8000, subnets: PUBLIC, publicIp: true });
    await w.cloud.clock.advance(60_000);

    // Act
    const whileRunning = await deleteOutcome(w, w.tasksGroup);
    await w.aws.send('ecs', new UpdateServiceCommand({ cluster: 'dp', service: 'ui', desiredCount: 0 }));
    await w.cloud.clock.advance(10 * 60_000);
    const afterStop = await deleteOutcome(w, w.tasksGroup);

    // Assess
    expect(whileRunning).toBe('DependencyViolation');
    expect(afterStop).toBe('ok');
  });

  it('the brokers group of an MSK cluster cannot be deleted while its brokers carry it', async () => {
    // Prepare
    const w = await dataPlaneWorld();
    await mskCluster(w);

    // Act
    const outcome = await deleteOutcome(w, w.brokersGroup);

    // Assess
    expect(outcome).toBe('DependencyViolation');
  });
});
