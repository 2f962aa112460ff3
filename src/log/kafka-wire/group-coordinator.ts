import { randomUUID } from 'node:crypto';
import { ErrorCode } from './error-codes.js';

/**
 * The classic consumer-group protocol (JoinGroup / SyncGroup / Heartbeat / LeaveGroup),
 * as a Kafka group coordinator runs it, for every group on this node.
 *
 * States: Empty → PreparingRebalance (members (re)join; completes when every known
 * member has a JoinGroup pending, or at the rebalance timeout, when the members that did
 * not rejoin are removed) → CompletingRebalance (generation + 1, a leader and a protocol
 * chosen; the leader receives every member's metadata and sends the assignment in its
 * SyncGroup; followers' SyncGroups wait for it) → Stable. A join with new metadata, a new
 * member, a LeaveGroup or a member whose session expired (no heartbeat within
 * session.timeout.ms) starts a new rebalance; members learn it from their heartbeat
 * (REBALANCE_IN_PROGRESS) and rejoin.
 *
 * Since KIP-394 (JoinGroup v4+), a member joining without an id gets MEMBER_ID_REQUIRED
 * with a new id and joins again with it. The protocol is chosen by vote among the
 * protocols every member supports (each member votes for its first supported choice).
 *
 * Not kept across restarts: group membership and generations (committed offsets are, in
 * the offset store). After a restart members get UNKNOWN_MEMBER_ID and rejoin, as they do
 * after a coordinator failover. Static membership (group.instance.id) is accepted and
 * treated as dynamic membership.
 */

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  /** -1 (JoinGroup v0): the session timeout is used. */
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly GroupProtocol[];
  /** JoinGroup v4+: an unknown member first gets MEMBER_ID_REQUIRED. */
  readonly requireKnownMemberId: boolean;
}

export interface JoinMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Buffer;
}

export interface JoinResult {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  readonly memberId: string;
  readonly members: readonly JoinMember[];
}

export interface SyncResult {
  readonly errorCode: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Buffer;
}

export interface GroupDescription {
  readonly groupId: string;
  readonly state: GroupState;
  readonly protocolType: string;
  readonly protocolName: string;
  readonly generationId: number;
  readonly leader: string | null;
  readonly members: readonly {
    readonly memberId: string;
    readonly groupInstanceId: string | null;
    readonly clientId: string;
    readonly clientHost: string;
    readonly metadata: Buffer;
    readonly assignment: Buffer;
  }[];
}

export interface GroupCoordinatorOptions {
  /** group.min.session.timeout.ms. Default 6000. */
  readonly minSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms. Default 1 800 000. */
  readonly maxSessionTimeoutMs?: number;
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members. Default 0. */
  readonly initialRebalanceDelayMs?: number;
  /** How often sessions and rebalance deadlines are checked. Default 100 ms. */
  readonly checkIntervalMs?: number;
  readonly log?: (line: string) => void;
}

interface Member {
  readonly memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly GroupProtocol[];
  assignment: Buffer;
  joinWaiter: ((r: JoinResult) => void) | null;
  syncWaiter: ((r: SyncResult) => void) | null;
  heartbeatDeadline: number;
}

interface Group {
  readonly id: string;
  state: GroupState;
  generation: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string | null;
  readonly members: Map<string, Member>;
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet joined: id → deadline. */
  readonly pending: Map<string, number>;
  joinNotBefore: number;
  rebalanceDeadline: number;
}

const EMPTY = Buffer.alloc(0);

function sameProtocols(a: readonly GroupProtocol[], b: readonly GroupProtocol[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.name !== b[i]!.name || !a[i]!.metadata.equals(b[i]!.metadata)) return false;
  return true;
}

export class GroupCoordinator {
  readonly #groups = new Map<string, Group>();
  readonly #minSession: number;
  readonly #maxSession: number;
  readonly #initialDelay: number;
  readonly #log: (line: string) => void;
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  constructor(options: GroupCoordinatorOptions = {}) {
    this.#minSession = options.minSessionTimeoutMs ?? 6000;
    this.#maxSession = options.maxSessionTimeoutMs ?? 1_800_000;
    this.#initialDelay = options.initialRebalanceDelayMs ?? 0;
    this.#log = options.log ?? ((): void => {});
    this.#timer = setInterval(() => this.#check(Date.now()), options.checkIntervalMs ?? 100).unref();
  }

  // ---------------------------------------------------------------------------------
  // JoinGroup

  join(req: JoinRequest): Promise<JoinResult> {
    const fail = (errorCode: number, memberId = req.memberId): Promise<JoinResult> =>
      Promise.resolve({ errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] });
    if (this.#closed) return fail(ErrorCode.NOT_COORDINATOR);
    if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    if (req.sessionTimeoutMs < this.#minSession || req.sessionTimeoutMs > this.#maxSession) return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    const now = Date.now();
    let g = this.#groups.get(req.groupId);
    if (g === undefined) {
      g = { id: req.groupId, state: 'Empty', generation: 0, protocolType: null, protocolName: null, leader: null, members: new Map(), pending: new Map(), joinNotBefore: 0, rebalanceDeadline: 0 };
      this.#groups.set(req.groupId, g);
    }
    if (!this.#supports(g, req)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

    if (req.memberId === '') {
      const memberId = `${req.clientId === '' ? 'member' : req.clientId}-${randomUUID()}`;
      if (req.requireKnownMemberId) {
        g.pending.set(memberId, now + req.sessionTimeoutMs);
        return fail(ErrorCode.MEMBER_ID_REQUIRED, memberId);
      }
      return this.#addMember(g, memberId, req, now);
    }
    if (g.pending.has(req.memberId)) {
      g.pending.delete(req.memberId);
      return this.#addMember(g, req.memberId, req, now);
    }
    const m = g.members.get(req.memberId);
    if (m === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    const changed = !sameProtocols(m.protocols, req.protocols);
    this.#updateMember(m, req, now);
    switch (g.state) {
      case 'PreparingRebalance':
        return this.#awaitJoin(g, m, now);
      case 'CompletingRebalance':
        if (!changed) return Promise.resolve(this.#joinResult(g, m));
        break;
      case 'Stable':
        if (!changed && g.leader !== m.memberId) return Promise.resolve(this.#joinResult(g, m));
        break;
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    this.#prepareRebalance(g, now, `member ${m.memberId} rejoined`);
    return this.#awaitJoin(g, m, now);
  }

  #supports(g: Group, req: JoinRequest): boolean {
    if (req.protocolType === '' || req.protocols.length === 0) return false;
    if (g.members.size === 0) return true;
    if (g.protocolType !== null && g.protocolType !== req.protocolType) return false;
    const names = new Set(req.protocols.map((p) => p.name));
    for (const m of g.members.values()) {
      if (m.protocolType !== req.protocolType) return false;
      if (!m.protocols.some((p) => names.has(p.name))) return false;
    }
    return this.#candidates(g, req.protocols).length > 0;
  }

  #candidates(g: Group, extra: readonly GroupProtocol[] | null): string[] {
    let names: string[] | null = extra === null ? null : extra.map((p) => p.name);
    for (const m of g.members.values()) {
      const mine = new Set(m.protocols.map((p) => p.name));
      names = names === null ? [...mine] : names.filter((n) => mine.has(n));
    }
    return names ?? [];
  }

  #addMember(g: Group, memberId: string, req: JoinRequest, now: number): Promise<JoinResult> {
    const m: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      assignment: EMPTY,
      joinWaiter: null,
      syncWaiter: null,
      heartbeatDeadline: now + req.sessionTimeoutMs,
    };
    g.members.set(memberId, m);
    if (g.protocolType === null) g.protocolType = req.protocolType;
    if (g.state !== 'PreparingRebalance') this.#prepareRebalance(g, now, `member ${memberId} joined`);
    return this.#awaitJoin(g, m, now);
  }

  #updateMember(m: Member, req: JoinRequest, now: number): void {
    m.protocols = req.protocols;
    m.sessionTimeoutMs = req.sessionTimeoutMs;
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs;
    m.clientId = req.clientId;
    m.clientHost = req.clientHost;
    m.groupInstanceId = req.groupInstanceId;
    m.heartbeatDeadline = now + m.sessionTimeoutMs;
  }

  #awaitJoin(g: Group, m: Member, now: number): Promise<JoinResult> {
    return new Promise<JoinResult>((resolve) => {
      const previous = m.joinWaiter;
      m.joinWaiter = resolve;
      if (previous !== null) previous({ ...this.#errorJoin(ErrorCode.REBALANCE_IN_PROGRESS, m.memberId) });
      this.#tryCompleteJoin(g, now);
    });
  }

  #errorJoin(errorCode: number, memberId: string): JoinResult {
    return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
  }

  #prepareRebalance(g: Group, now: number, why: string): void {
    if (g.state === 'CompletingRebalance') {
      for (const m of g.members.values()) {
        const w = m.syncWaiter;
        m.syncWaiter = null;
        w?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, protocolType: null, protocolName: null, assignment: EMPTY });
      }
    }
    const wasEmpty = g.state === 'Empty';
    g.state = 'PreparingRebalance';
    let timeout = 0;
    for (const m of g.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    g.rebalanceDeadline = now + timeout;
    g.joinNotBefore = wasEmpty ? now + this.#initialDelay : now;
    this.#log(`kafka: group ${g.id}: preparing rebalance (generation ${g.generation}): ${why}`);
  }

  #tryCompleteJoin(g: Group, now: number): void {
    if (g.state !== 'PreparingRebalance') return;
    let allJoined = g.pending.size === 0;
    for (const m of g.members.values()) if (m.joinWaiter === null) allJoined = false;
    const expired = now >= g.rebalanceDeadline;
    if (!(allJoined && now >= g.joinNotBefore) && !expired) return;
    if (expired) {
      for (const m of [...g.members.values()]) if (m.joinWaiter === null) this.#dropMember(g, m, 'did not rejoin in time');
      g.pending.clear();
    }
    this.#completeJoin(g, now);
  }

  #completeJoin(g: Group, now: number): void {
    g.generation++;
    if (g.members.size === 0) {
      g.state = 'Empty';
      g.protocolName = null;
      g.protocolType = null;
      g.leader = null;
      this.#log(`kafka: group ${g.id}: generation ${g.generation} is empty`);
      return;
    }
    g.protocolName = this.#selectProtocol(g);
    if (g.leader === null || !g.members.has(g.leader)) g.leader = g.members.keys().next().value!;
    g.state = 'CompletingRebalance';
    this.#log(`kafka: group ${g.id}: generation ${g.generation} with ${g.members.size} member(s), protocol ${g.protocolName}, leader ${g.leader}`);
    for (const m of g.members.values()) {
      const w = m.joinWaiter;
      m.joinWaiter = null;
      m.heartbeatDeadline = now + m.sessionTimeoutMs;
      w?.(this.#joinResult(g, m));
    }
  }

  #selectProtocol(g: Group): string {
    const candidates = this.#candidates(g, null);
    const votes = new Map<string, number>();
    for (const m of g.members.values()) {
      const choice = m.protocols.find((p) => candidates.includes(p.name));
      if (choice !== undefined) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best = candidates[0] ?? '';
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  #joinResult(g: Group, m: Member): JoinResult {
    const isLeader = g.leader === m.memberId;
    const members: JoinMember[] = [];
    if (isLeader) {
      for (const x of g.members.values()) {
        const p = x.protocols.find((q) => q.name === g.protocolName);
        members.push({ memberId: x.memberId, groupInstanceId: x.groupInstanceId, metadata: p?.metadata ?? EMPTY });
      }
    }
    return {
      errorCode: ErrorCode.NONE,
      generationId: g.generation,
      protocolType: g.protocolType,
      protocolName: g.protocolName,
      leader: g.leader ?? '',
      memberId: m.memberId,
      members,
    };
  }

  // ---------------------------------------------------------------------------------
  // SyncGroup

  sync(groupId: string, generationId: number, memberId: string, protocolType: string | null, protocolName: string | null, assignments: readonly { memberId: string; assignment: Buffer }[]): Promise<SyncResult> {
    const fail = (errorCode: number): Promise<SyncResult> => Promise.resolve({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
    if (this.#closed) return fail(ErrorCode.NOT_COORDINATOR);
    const g = this.#groups.get(groupId);
    if (g === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    const m = g.members.get(memberId);
    if (m === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (generationId !== g.generation) return fail(ErrorCode.ILLEGAL_GENERATION);
    if ((protocolType !== null && protocolType !== g.protocolType) || (protocolName !== null && protocolName !== g.protocolName)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const now = Date.now();
    m.heartbeatDeadline = now + m.sessionTimeoutMs;
    const ok = (x: Member): SyncResult => ({ errorCode: ErrorCode.NONE, protocolType: g.protocolType, protocolName: g.protocolName, assignment: x.assignment });
    switch (g.state) {
      case 'Empty':
      case 'Dead':
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      case 'PreparingRebalance':
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        return Promise.resolve(ok(m));
      case 'CompletingRebalance':
        return new Promise<SyncResult>((resolve) => {
          m.syncWaiter = resolve;
          if (g.leader !== memberId) return;
          const given = new Map(assignments.map((a) => [a.memberId, a.assignment]));
          for (const x of g.members.values()) x.assignment = given.get(x.memberId) ?? EMPTY;
          g.state = 'Stable';
          this.#log(`kafka: group ${g.id}: generation ${g.generation} is stable`);
          for (const x of g.members.values()) {
            const w = x.syncWaiter;
            x.syncWaiter = null;
            w?.(ok(x));
          }
        });
    }
  }

  // ---------------------------------------------------------------------------------
  // Heartbeat, LeaveGroup

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    if (this.#closed) return ErrorCode.NOT_COORDINATOR;
    const g = this.#groups.get(groupId);
    if (g === undefined || g.state === 'Empty' || g.state === 'Dead') return ErrorCode.UNKNOWN_MEMBER_ID;
    const m = g.members.get(memberId);
    if (m === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== g.generation) return ErrorCode.ILLEGAL_GENERATION;
    m.heartbeatDeadline = Date.now() + m.sessionTimeoutMs;
    return g.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** Removes members; returns one error code per member (UNKNOWN_MEMBER_ID for unknown ones). */
  leave(groupId: string, memberIds: readonly string[]): number[] {
    const g = this.#groups.get(groupId);
    const now = Date.now();
    const out: number[] = [];
    for (const id of memberIds) {
      const m = g?.members.get(id);
      if (g === undefined || m === undefined) {
        if (g?.pending.delete(id) === true) {
          out.push(ErrorCode.NONE);
          this.#tryCompleteJoin(g, now);
        } else out.push(ErrorCode.UNKNOWN_MEMBER_ID);
        continue;
      }
      this.#removeMember(g, m, now, 'left the group');
      out.push(ErrorCode.NONE);
    }
    return out;
  }

  #dropMember(g: Group, m: Member, why: string): void {
    g.members.delete(m.memberId);
    if (g.leader === m.memberId) g.leader = null;
    const jw = m.joinWaiter;
    const sw = m.syncWaiter;
    m.joinWaiter = null;
    m.syncWaiter = null;
    jw?.(this.#errorJoin(ErrorCode.UNKNOWN_MEMBER_ID, m.memberId));
    sw?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolType: null, protocolName: null, assignment: EMPTY });
    this.#log(`kafka: group ${g.id}: member ${m.memberId} removed: ${why}`);
  }

  #removeMember(g: Group, m: Member, now: number, why: string): void {
    this.#dropMember(g, m, why);
    if (g.state === 'Stable' || g.state === 'CompletingRebalance') this.#prepareRebalance(g, now, `member ${m.memberId} ${why}`);
    this.#tryCompleteJoin(g, now);
  }

  #check(now: number): void {
    for (const g of this.#groups.values()) {
      for (const [id, deadline] of g.pending) if (now > deadline) g.pending.delete(id);
      for (const m of [...g.members.values()]) {
        if (m.joinWaiter !== null || m.syncWaiter !== null) continue;
        if (now > m.heartbeatDeadline) this.#removeMember(g, m, now, `session timed out (${m.sessionTimeoutMs} ms without a heartbeat)`);
      }
      this.#tryCompleteJoin(g, now);
    }
  }

  // ---------------------------------------------------------------------------------
  // offsets, descriptions

  /** Whether an OffsetCommit with this generation and member may commit (Kafka's rules). */
  validateCommit(groupId: string, generationId: number, memberId: string): number {
    const g = this.#groups.get(groupId);
    if (g === undefined) return generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    if (generationId < 0 && g.state === 'Empty') return ErrorCode.NONE;
    if (g.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const m = g.members.get(memberId);
    if (m === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== g.generation) return ErrorCode.ILLEGAL_GENERATION;
    m.heartbeatDeadline = Date.now() + m.sessionTimeoutMs;
    return ErrorCode.NONE;
  }

  describe(groupId: string): GroupDescription {
    const g = this.#groups.get(groupId);
    if (g === undefined) return { groupId, state: 'Dead', protocolType: '', protocolName: '', generationId: -1, leader: null, members: [] };
    return {
      groupId,
      state: g.state,
      protocolType: g.protocolType ?? '',
      protocolName: g.protocolName ?? '',
      generationId: g.generation,
      leader: g.leader,
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? EMPTY,
        assignment: m.assignment,
      })),
    };
  }

  groupIds(): string[] {
    return [...this.#groups.keys()];
  }

  /** Ends pending joins and syncs (NOT_COORDINATOR: clients look the coordinator up again). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const g of this.#groups.values()) {
      for (const m of g.members.values()) {
        const jw = m.joinWaiter;
        const sw = m.syncWaiter;
        m.joinWaiter = null;
        m.syncWaiter = null;
        jw?.(this.#errorJoin(ErrorCode.NOT_COORDINATOR, m.memberId));
        sw?.({ errorCode: ErrorCode.NOT_COORDINATOR, protocolType: null, protocolName: null, assignment: EMPTY });
      }
    }
  }
}
