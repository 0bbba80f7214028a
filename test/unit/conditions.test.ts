import { describe, expect, it } from 'vitest';
import { getCondition, setCondition } from '../../reconcilers/engine/conditions.js';

describe('conditions (KEP-1623)', () => {
  const t0 = '2026-01-01T00:00:00.000Z';
  const t1 = '2026-01-01T00:05:00.000Z';
  const ready = (status: 'True' | 'False', reason: string) => ({ type: 'Ready', status, reason, message: reason });

  it.each([
    ['an unchanged status keeps its lastTransitionTime', 'False', 'Provisioning', t0],
    ['a new reason with the same status keeps its lastTransitionTime', 'False', 'Updating', t0],
    ['a status change moves lastTransitionTime', 'True', 'AllResourcesReady', t1],
  ] as const)('%s', (_title, status, reason, expected) => {
    const first = setCondition(undefined, ready('False', 'Provisioning'), 1, t0);
    const next = setCondition(first, ready(status, reason), 2, t1);
    expect(getCondition(next, 'Ready')).toMatchObject({
      status,
      reason,
      lastTransitionTime: expected,
      observedGeneration: 2,
    });
    expect(next).toHaveLength(1);
  });

  it('keeps other condition types untouched', () => {
    const both = setCondition(
      setCondition(undefined, ready('True', 'AllResourcesReady'), 1, t0),
      { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', message: '' },
      1,
      t0,
    );
    const next = setCondition(both, ready('False', 'Degraded'), 1, t1);
    expect(getCondition(next, 'Synced')?.lastTransitionTime).toBe(t0);
    expect(next.map((c) => c.type)).toEqual(['Ready', 'Synced']);
  });
});
