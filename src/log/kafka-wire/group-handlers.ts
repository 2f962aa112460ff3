import type { Broker, RequestContext, ResponseBody } from './broker.js';
import { ErrorCode } from './error-codes.js';
import type { GroupProtocol } from './group-coordinator.js';
import { MAX_METADATA_BYTES, type OffsetCommitEntry } from './offset-store.js';

/**
 * The consumer-group APIs: FindCoordinator (this node for every group), JoinGroup,
 * SyncGroup, Heartbeat, LeaveGroup (the GroupCoordinator), OffsetCommit / OffsetFetch
 * (the OffsetStore), DescribeGroups and ListGroups.
 */

interface FindCoordinatorRequest {
  key: string;
  keyType: number;
  coordinatorKeys: string[];
}

const KEY_TYPE_GROUP = 0;

export function handleFindCoordinator(broker: Broker, ctx: RequestContext, body: Record<string, unknown>): ResponseBody {
  const req = body as unknown as FindCoordinatorRequest;
  const answer = (key: string): { errorCode: number; errorMessage: string | null; nodeId: number; host: string; port: number } =>
    req.keyType === KEY_TYPE_GROUP
      ? { errorCode: ErrorCode.NONE, errorMessage: null, nodeId: broker.nodeId, host: broker.advertisedHost, port: broker.advertisedPort }
      : { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: `no transaction coordinator for '${key}': transactions are not supported`, nodeId: -1, host: '', port: -1 };
  if (ctx.version >= 4) return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map((key) => ({ key, ...answer(key) })) };
  return { throttleTimeMs: 0, ...answer(req.key) };
}

interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
}

export async function handleJoinGroup(broker: Broker, ctx: RequestContext, body: Record<string, unknown>): Promise<ResponseBody> {
  const req = body as unknown as JoinGroupRequest;
  const r = await broker.groups.join({
    groupId: req.groupId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
    sessionTimeoutMs: req.sessionTimeoutMs,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    protocolType: req.protocolType,
    protocols: req.protocols.map((p): GroupProtocol => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
    requireKnownMemberId: ctx.version >= 4,
  });
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    protocolName: ctx.version >= 7 ? r.protocolName : (r.protocolName ?? ''),
    leader: r.leader,
    skipAssignment: false,
    memberId: r.memberId,
    members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
  };
}

interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export async function handleSyncGroup(broker: Broker, _ctx: RequestContext, body: Record<string, unknown>): Promise<ResponseBody> {
  const req = body as unknown as SyncGroupRequest;
  const r = await broker.groups.sync(
    req.groupId,
    req.generationId,
    req.memberId,
    req.protocolType,
    req.protocolName,
    req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
  );
  return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment };
}

interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
}

export function handleHeartbeat(broker: Broker, _ctx: RequestContext, body: Record<string, unknown>): ResponseBody {
  const req = body as unknown as HeartbeatRequest;
  return { throttleTimeMs: 0, errorCode: broker.groups.heartbeat(req.groupId, req.generationId, req.memberId) };
}

interface LeaveGroupRequest {
  groupId: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null }[];
}

export function handleLeaveGroup(broker: Broker, ctx: RequestContext, body: Record<string, unknown>): ResponseBody {
  const req = body as unknown as LeaveGroupRequest;
  if (ctx.version < 3) {
    const [code] = broker.groups.leave(req.groupId, [req.memberId]);
    return { throttleTimeMs: 0, errorCode: code ?? ErrorCode.NONE, members: [] };
  }
  const codes = broker.groups.leave(
    req.groupId,
    req.members.map((m) => m.memberId),
  );
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    members: req.members.map((m, i) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: codes[i] ?? ErrorCode.NONE })),
  };
}

interface OffsetCommitRequest {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[] }[];
}

/** OffsetCommit: checked against the group's generation and member (Kafka's rules), then written durably to __consumer_offsets. */
export async function handleOffsetCommit(broker: Broker, _ctx: RequestContext, body: Record<string, unknown>): Promise<ResponseBody> {
  const req = body as unknown as OffsetCommitRequest;
  const groupError = req.groupId === '' ? ErrorCode.INVALID_GROUP_ID : broker.groups.validateCommit(req.groupId, req.generationIdOrMemberEpoch, req.memberId);
  const codes = req.topics.map((t) => t.partitions.map(() => groupError as number));
  const entries: OffsetCommitEntry[] = [];
  const where: [number, number][] = [];
  if (groupError === ErrorCode.NONE) {
    req.topics.forEach((t, i) => {
      const info = broker.log.topic(t.name);
      t.partitions.forEach((p, j) => {
        if (info === null || p.partitionIndex < 0 || p.partitionIndex >= info.partitions) codes[i]![j] = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (p.committedMetadata !== null && Buffer.byteLength(p.committedMetadata) > MAX_METADATA_BYTES) codes[i]![j] = 12; // OFFSET_METADATA_TOO_LARGE
        else {
          entries.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata });
          where.push([i, j]);
        }
      });
    });
    try {
      await broker.offsets.commit(req.groupId, entries);
    } catch (e) {
      broker.say(`kafka: offset commit for group ${req.groupId} failed: ${(e as Error).message}`);
      for (const [i, j] of where) codes[i]![j] = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t, i) => ({ name: t.name, partitions: t.partitions.map((p, j) => ({ partitionIndex: p.partitionIndex, errorCode: codes[i]![j]! })) })),
  };
}

interface OffsetFetchTopics {
  name: string;
  partitionIndexes: number[];
}

interface OffsetFetchRequest {
  groupId: string;
  topics: OffsetFetchTopics[] | null;
  groups: { groupId: string; topics: OffsetFetchTopics[] | null }[];
}

function fetchGroup(broker: Broker, groupId: string, topics: OffsetFetchTopics[] | null): { name: string; partitions: Record<string, unknown>[] }[] {
  const partition = (topic: string, p: number): Record<string, unknown> => {
    const c = broker.offsets.get(groupId, topic, p);
    return c === null
      ? { partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE }
      : { partitionIndex: p, committedOffset: c.offset, committedLeaderEpoch: c.leaderEpoch, metadata: c.metadata ?? '', errorCode: ErrorCode.NONE };
  };
  if (topics === null) {
    const byTopic = new Map<string, number[]>();
    for (const x of broker.offsets.all(groupId)) {
      const list = byTopic.get(x.topic) ?? [];
      list.push(x.partition);
      byTopic.set(x.topic, list);
    }
    return [...byTopic].map(([name, ps]) => ({ name, partitions: ps.sort((a, b) => a - b).map((p) => partition(name, p)) }));
  }
  return topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => partition(t.name, p)) }));
}

export function handleOffsetFetch(broker: Broker, ctx: RequestContext, body: Record<string, unknown>): ResponseBody {
  const req = body as unknown as OffsetFetchRequest;
  if (ctx.version >= 8) {
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((g) => ({ groupId: g.groupId, topics: fetchGroup(broker, g.groupId, g.topics), errorCode: ErrorCode.NONE })),
    };
  }
  return { throttleTimeMs: 0, topics: fetchGroup(broker, req.groupId, req.topics), errorCode: ErrorCode.NONE };
}

interface DescribeGroupsRequest {
  groups: string[];
}

export function handleDescribeGroups(broker: Broker, _ctx: RequestContext, body: Record<string, unknown>): ResponseBody {
  const req = body as unknown as DescribeGroupsRequest;
  return {
    throttleTimeMs: 0,
    groups: req.groups.map((id) => {
      const d = broker.groups.describe(id);
      const state = d.state === 'Dead' && broker.offsets.all(id).length > 0 ? 'Empty' : d.state;
      return {
        errorCode: ErrorCode.NONE,
        groupId: id,
        groupState: state,
        protocolType: d.protocolType,
        protocolData: d.protocolName,
        members: d.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
        authorizedOperations: -2147483648,
      };
    }),
  };
}

interface ListGroupsRequest {
  statesFilter: string[];
}

export function handleListGroups(broker: Broker, _ctx: RequestContext, body: Record<string, unknown>): ResponseBody {
  const req = body as unknown as ListGroupsRequest;
  const ids = new Set([...broker.groups.groupIds(), ...broker.offsets.groups()]);
  const filter = new Set(req.statesFilter.map((s) => s.toLowerCase()));
  const groups: Record<string, unknown>[] = [];
  for (const id of [...ids].sort()) {
    const d = broker.groups.describe(id);
    const state = d.state === 'Dead' ? 'Empty' : d.state;
    if (filter.size > 0 && !filter.has(state.toLowerCase())) continue;
    groups.push({ groupId: id, protocolType: d.protocolType === '' ? 'consumer' : d.protocolType, groupState: state });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
}
