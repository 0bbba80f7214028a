/**
 * Resource Groups Tagging API, as far as the operator uses it: GetResources over every tagged resource of the
 * other simulated services. TagFilters: AND across keys, OR across a key's values
 * (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html).
 * Cloud Map resources are returned, as AWS documents; moto omits them.
 */
import type { GetResourcesCommandInput, GetResourcesCommandOutput } from '@aws-sdk/client-resource-groups-tagging-api';
import type { ServiceKey } from '../../lib/aws.js';
import type { ServiceModel, SimCloud } from './cloud.js';
import type { TaggableModel, TaggedResource } from './types.js';

const SERVICES: ServiceKey[] = ['kafka', 'ecs', 'servicediscovery', 'elbv2', 'ec2'];

export class TaggingModel implements ServiceModel {
  readonly service = 'tagging' as const;

  constructor(private readonly cloud: SimCloud) {}

  handle(operation: string, input: Record<string, unknown>): unknown {
    if (operation === 'GetResources') return this.getResources(input as GetResourcesCommandInput);
    throw this.cloud.error('tagging', 'InvalidParameterException', `${operation} is not simulated`);
  }

  private all(): TaggedResource[] {
    const out: TaggedResource[] = [];
    for (const s of SERVICES) {
      let m: ServiceModel | undefined;
      try {
        m = this.cloud.model(s);
      } catch {
        continue;
      }
      const t = m as Partial<TaggableModel>;
      if (typeof t.taggedResources === 'function') out.push(...t.taggedResources());
    }
    return out.sort((a, b) => a.arn.localeCompare(b.arn));
  }

  private getResources(input: GetResourcesCommandInput): Omit<GetResourcesCommandOutput, '$metadata'> {
    const perPage = input.ResourcesPerPage ?? 50;
    if (perPage < 1 || perPage > 100) {
      throw this.cloud.error('tagging', 'InvalidParameterException', 'ResourcesPerPage must be between 1 and 100');
    }
    const filters = input.TagFilters ?? [];
    const types = input.ResourceTypeFilters ?? [];
    const matching = this.all().filter(
      (r) =>
        Object.keys(r.tags).length > 0 &&
        filters.every((f) => {
          if (!f.Key || !(f.Key in r.tags)) return false;
          return !f.Values || f.Values.length === 0 || f.Values.includes(r.tags[f.Key] ?? '');
        }) &&
        (types.length === 0 || types.some((t) => r.resourceType === t || r.resourceType.startsWith(`${t}:`))),
    );
    const start = input.PaginationToken ? Number(Buffer.from(input.PaginationToken, 'base64').toString()) : 0;
    const page = matching.slice(start, start + perPage);
    const next = start + perPage < matching.length ? Buffer.from(String(start + perPage)).toString('base64') : '';
    return {
      PaginationToken: next,
      ResourceTagMappingList: page.map((r) => ({
        ResourceARN: r.arn,
        Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
      })),
    };
  }

  snapshot(): unknown {
    return {};
  }

  restore(): void {}
}
