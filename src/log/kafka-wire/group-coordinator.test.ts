import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from './error-codes.js';
import { GroupCoordinator, type JoinRequest } from './group-coordinator.js';
import { waitFor } from './test-support.js';

function joinReq(memberId: string, over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId,
    groupInstanceId: null,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [
      { name: 'range', metadata: Buffer.from('r') },
      { name: 'roundrobin', metadata: Buffer.from('rr') },
    ],
    requireKnownMemberId: true,
    ...over,
  };
}

/** Joins with the KIP-394 two-step (MEMBER_ID_REQUIRED, then join with the id). */
async function joinNew(gc: GroupCoordinator, over: Partial<JoinRequest> = {}): Promise<{ memberId: string; join: ReturnType<GroupCoordinator['join']> }> {
  const first = await gc.join(joinReq('', over));
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  return { memberId: first.memberId, join: gc.join(joinReq(first.memberId, over)) };
}

describe('GroupCoordinator', () => {
  test('join, leader assignment, sync, second member, leave', async () => {
    const gc = new GroupCoordinator({ minSessionTimeoutMs: 100 });
    const a = await joinNew(gc);
    const ja = await a.join;
    assert.equal(ja.errorCode, 0);
    assert.equal(ja.generationId, 1);
    assert.equal(ja.leader, a.memberId);
    assert.equal(ja.protocolName, 'range');
    assert.deepEqual(
      ja.members.map((m) => m.memberId),
      [a.memberId],
    );
    const sa = await gc.sync('g', 1, a.memberId, 'consumer', 'range', [{ memberId: a.memberId, assignment: Buffer.from('all') }]);
    assert.equal(sa.errorCode, 0);
    assert.equal(sa.assignment.toString(), 'all');
    assert.equal(gc.describe('g').state, 'Stable');
    assert.equal(gc.heartbeat('g', 1, a.memberId), ErrorCode.NONE);

    // B prefers roundrobin; A still prefers range; the vote is a tie, either is fine but must be common
    const b = await joinNew(gc, { protocols: [{ name: 'roundrobin', metadata: Buffer.from('b') }, { name: 'range', metadata: Buffer.from('b') }] });
    assert.equal(gc.describe('g').state, 'PreparingRebalance');
    assert.equal(gc.heartbeat('g', 1, a.memberId), ErrorCode.REBALANCE_IN_PROGRESS);
    const ja2p = gc.join(joinReq(a.memberId));
    const [ja2, jb] = await Promise.all([ja2p, b.join]);
    assert.equal(ja2.generationId, 2);
    assert.equal(jb.generationId, 2);
    assert.equal(ja2.leader, a.memberId, 'the leader stays');
    assert.equal(ja2.members.length, 2);
    assert.equal(jb.members.length, 0, 'followers do not get the member list');
    assert.ok(['range', 'roundrobin'].includes(ja2.protocolName!));
    const syncB = gc.sync('g', 2, b.memberId, null, null, []);
    assert.equal(gc.describe('g').state, 'CompletingRebalance');
    const syncA = gc.sync('g', 2, a.memberId, null, null, [
      { memberId: a.memberId, assignment: Buffer.from('p0') },
      { memberId: b.memberId, assignment: Buffer.from('p1') },
    ]);
    assert.equal((await syncB).assignment.toString(), 'p1');
    assert.equal((await syncA).assignment.toString(), 'p0');
    // stale generation, unknown member
    assert.equal(gc.heartbeat('g', 1, b.memberId), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(gc.heartbeat('g', 2, 'nobody'), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(gc.validateCommit('g', 2, a.memberId), ErrorCode.NONE);
    assert.equal(gc.validateCommit('g', 1, a.memberId), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(gc.validateCommit('g', -1, ''), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(gc.validateCommit('other', -1, ''), ErrorCode.NONE);

    // B leaves: A must rejoin; generation 3 with A alone
    assert.deepEqual(gc.leave('g', [b.memberId, 'ghost']), [ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    assert.equal(gc.heartbeat('g', 2, a.memberId), ErrorCode.REBALANCE_IN_PROGRESS);
    const ja3 = await gc.join(joinReq(a.memberId));
    assert.equal(ja3.generationId, 3);
    assert.equal(ja3.members.length, 1);
    assert.equal(gc.leave('g', [a.memberId])[0], ErrorCode.NONE);
    assert.equal(gc.describe('g').state, 'Empty');
    gc.close();
  });

  test('refuses bad joins with Kafka error codes', async () => {
    const gc = new GroupCoordinator({ minSessionTimeoutMs: 1000 });
    assert.equal((await gc.join(joinReq('', { groupId: '' }))).errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.equal((await gc.join(joinReq('', { sessionTimeoutMs: 10 }))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    assert.equal((await gc.join(joinReq('made-up'))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    const a = await joinNew(gc);
    await a.join;
    const other = await gc.join(joinReq('', { protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }] }));
    assert.equal(other.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    // JoinGroup before v4: no MEMBER_ID_REQUIRED step
    const old = gc.join(joinReq('', { requireKnownMemberId: false }));
    assert.equal(gc.describe('g').state, 'PreparingRebalance');
    const again = gc.join(joinReq(a.memberId));
    const [o, ag] = await Promise.all([old, again]);
    assert.equal(o.errorCode, 0);
    assert.equal(ag.generationId, o.generationId);
    assert.equal(gc.sync('g', o.generationId - 1, o.memberId, null, null, []) instanceof Promise, true);
    assert.equal((await gc.sync('g', o.generationId - 1, o.memberId, null, null, [])).errorCode, ErrorCode.ILLEGAL_GENERATION);
    gc.close();
    assert.equal((await gc.join(joinReq(a.memberId))).errorCode, ErrorCode.NOT_COORDINATOR);
  });

  test('a member whose session expires is removed and the group rebalances', async () => {
    const gc = new GroupCoordinator({ minSessionTimeoutMs: 10, checkIntervalMs: 10 });
    const a = await joinNew(gc, { sessionTimeoutMs: 60_000 });
    await a.join;
    await gc.sync('g', 1, a.memberId, null, null, []);
    const b = await joinNew(gc, { sessionTimeoutMs: 150, rebalanceTimeoutMs: 60_000 });
    const [ja, jb] = await Promise.all([gc.join(joinReq(a.memberId, { sessionTimeoutMs: 60_000 })), b.join]);
    assert.equal(ja.generationId, 2);
    assert.equal(jb.generationId, 2);
    await Promise.all([gc.sync('g', 2, b.memberId, null, null, []), gc.sync('g', 2, a.memberId, null, null, [])]);
    // B never heartbeats again; A keeps heartbeating until it is told to rejoin
    await waitFor(() => gc.heartbeat('g', 2, a.memberId) === ErrorCode.REBALANCE_IN_PROGRESS, 'B expired and a rebalance started', 10_000);
    assert.ok(!gc.describe('g').members.some((m) => m.memberId === b.memberId));
    const ja3 = await gc.join(joinReq(a.memberId, { sessionTimeoutMs: 60_000 }));
    assert.equal(ja3.generationId, 3);
    assert.deepEqual(
      ja3.members.map((m) => m.memberId),
      [a.memberId],
    );
    gc.close();
  });
});
