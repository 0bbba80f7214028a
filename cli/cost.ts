/**
 * A rough hourly cost estimate, labelled as such: us-east-1 on-demand list prices (USD) as published by AWS
 * for MSK broker instances and storage, Fargate vCPU and memory, and Application Load Balancers. Data
 * transfer, LCUs, logs and Cloud Map queries are not included.
 */
import type { ResolvedPlayground } from '../reconcilers/engine/resolve.js';

const MSK_BROKER_HOURLY: Record<string, number> = {
  'kafka.t3.small': 0.0456,
  'kafka.m5.large': 0.21,
  'kafka.m5.xlarge': 0.42,
  'kafka.m5.2xlarge': 0.84,
  'kafka.m7g.large': 0.204,
  'kafka.m7g.xlarge': 0.408,
};
const MSK_STORAGE_GB_MONTH = 0.1;
const FARGATE_VCPU_HOUR = 0.04048;
const FARGATE_GB_HOUR = 0.004445;
const ALB_HOUR = 0.0225;
const HOURS_PER_MONTH = 730;

export interface CostLine {
  item: string;
  hourly: number;
}

export function estimateHourly(p: ResolvedPlayground): { lines: CostLine[]; total: number; note: string } {
  const lines: CostLine[] = [];
  if (p.kafka.mode === 'msk') {
    const rate = MSK_BROKER_HOURLY[p.kafka.instanceType];
    lines.push({
      item: `MSK ${p.kafka.brokers} × ${p.kafka.instanceType}${rate === undefined ? ' (price unknown, m5.large used)' : ''}`,
      hourly: p.kafka.brokers * (rate ?? 0.21),
    });
    lines.push({
      item: `MSK storage ${p.kafka.brokers} × ${p.kafka.storageGiB} GiB`,
      hourly: (p.kafka.brokers * p.kafka.storageGiB * MSK_STORAGE_GB_MONTH) / HOURS_PER_MONTH,
    });
  }
  for (const c of p.components) {
    if (c.replicas === 0) continue;
    const hourly = c.replicas * ((c.cpu / 1024) * FARGATE_VCPU_HOUR + (c.memoryMiB / 1024) * FARGATE_GB_HOUR);
    lines.push({ item: `${c.name}: ${c.replicas} × ${c.cpu / 1024} vCPU / ${c.memoryMiB / 1024} GB`, hourly });
  }
  if (p.components.some((c) => c.expose)) lines.push({ item: 'Application Load Balancer', hourly: ALB_HOUR });
  const total = lines.reduce((a, l) => a + l.hourly, 0);
  return { lines, total, note: 'estimate: us-east-1 on-demand list prices; excludes data transfer, LCUs and logs' };
}
