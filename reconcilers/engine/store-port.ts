/** What the engine needs from the store (lib/store implements it for DynamoDB and in memory). */
import type { Playground, Status } from '../../schemas/playground.js';

export interface EngineLease {
  owner: string;
  token: number;
  expiresAt: number;
}

export interface EngineStore {
  get(name: string): Promise<Playground | undefined>;
  /** The spec hash the store uses for its "spec unchanged since read" condition. */
  specHashOf(doc: Playground): string;
  writeStatus(
    name: string,
    status: Status,
    opts: { token: number; observedSpecHash: string; generation: number },
  ): Promise<Playground>;
  markForDeletion(name: string, opts?: { now?: number }): Promise<Playground>;
  remove(name: string, opts: { token: number }): Promise<void>;
  acquireLease(name: string, owner: string, ttlMs: number, now: number): Promise<EngineLease | undefined>;
  releaseLease(name: string, lease: EngineLease): Promise<void>;
}
