/**
 * Kubernetes-style conditions (KEP-1623): type, status, reason (CamelCase), message, lastTransitionTime,
 * observedGeneration. A condition whose status does not change keeps its lastTransitionTime.
 */
import type { Condition } from '../../schemas/playground.js';

export type ConditionInput = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

export function setCondition(
  existing: readonly Condition[] | undefined,
  next: ConditionInput,
  generation: number,
  nowIso: string,
): Condition[] {
  const list = [...(existing ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? list[i] : undefined;
  const lastTransitionTime = prev && prev.status === next.status ? prev.lastTransitionTime : nowIso;
  const condition: Condition = { ...next, lastTransitionTime, observedGeneration: generation };
  if (i >= 0) list[i] = condition;
  else list.push(condition);
  return list;
}

export function getCondition(list: readonly Condition[] | undefined, type: string): Condition | undefined {
  return list?.find((c) => c.type === type);
}
