import type { Log } from '../log.js';
import type { GroupCoordinator } from './group-coordinator.js';
import type { OffsetStore } from './offset-store.js';

/** What request handlers see of the broker. */
export interface Broker {
  readonly log: Log;
  readonly groups: GroupCoordinator;
  readonly offsets: OffsetStore;
  readonly nodeId: number;
  /** The host and port clients are told to connect to (Metadata, FindCoordinator). */
  readonly advertisedHost: string;
  readonly advertisedPort: number;
  readonly clusterId: string;
  readonly say: (line: string) => void;
}

/** One request, decoded. */
export interface RequestContext {
  readonly apiKey: number;
  readonly version: number;
  readonly correlationId: number;
  readonly clientId: string;
  /** The client's address as Kafka shows it ('/127.0.0.1'). */
  readonly clientHost: string;
  /** Aborted when the connection closes (long polls stop waiting). */
  readonly signal: AbortSignal;
}

/** A response body (field name → value, see messages.ts), or null for no response (Produce with acks=0). */
export type ResponseBody = Record<string, unknown> | null;

export type Handler = (broker: Broker, ctx: RequestContext, body: Record<string, unknown>) => ResponseBody | Promise<ResponseBody>;
