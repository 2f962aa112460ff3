import { isStrataError } from '../../core/errors.js';
import type { AppendResult } from '../partition.js';
import type { Broker, RequestContext, ResponseBody } from './broker.js';
import { ErrorCode, errorCodeOf } from './error-codes.js';
import { OFFSETS_TOPIC } from './offset-store.js';

/** Produce, Fetch and ListOffsets: the data path. */

const EMPTY = Buffer.alloc(0);

interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: { name: string; partitionData: { index: number; records: Buffer | null }[] }[];
}

function messageOf(e: unknown): string | null {
  return isStrataError(e) ? e.message : e instanceof Error ? e.message : null;
}

/**
 * Produce: every partition's batches are appended (validated, offsets assigned,
 * duplicates of an idempotent producer acknowledged without a second write); the
 * response waits until each append is acknowledged by the log (fsynced under the default
 * flush policy). acks=1 and acks=-1 are the same on one node (the leader is the only
 * replica); acks=0 gets no response, as in Kafka.
 */
export async function handleProduce(broker: Broker, _ctx: RequestContext, body: Record<string, unknown>): Promise<ResponseBody> {
  const req = body as unknown as ProduceRequest;
  const acksOk = req.acks === 0 || req.acks === 1 || req.acks === -1;
  const jobs: Promise<{ errorCode: number; result: AppendResult | null; message: string | null }>[][] = [];
  for (const t of req.topicData) {
    const row: Promise<{ errorCode: number; result: AppendResult | null; message: string | null }>[] = [];
    for (const p of t.partitionData) {
      if (!acksOk) {
        row.push(Promise.resolve({ errorCode: ErrorCode.INVALID_REQUIRED_ACKS, result: null, message: `acks=${req.acks} is not one of 0, 1, -1` }));
        continue;
      }
      if (req.transactionalId !== null) {
        row.push(Promise.resolve({ errorCode: ErrorCode.INVALID_TXN_STATE, result: null, message: 'transactions are not supported by the embedded log' }));
        continue;
      }
      if (t.name === OFFSETS_TOPIC) {
        row.push(Promise.resolve({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, result: null, message: `${OFFSETS_TOPIC} is internal: clients cannot write to it` }));
        continue;
      }
      if (p.records === null || p.records.length === 0) {
        row.push(Promise.resolve({ errorCode: ErrorCode.CORRUPT_MESSAGE, result: null, message: 'no records' }));
        continue;
      }
      row.push(
        broker.log.append(t.name, p.index, p.records).then(
          (result) => ({ errorCode: ErrorCode.NONE, result, message: null }),
          (e: unknown) => ({ errorCode: errorCodeOf(e), result: null, message: messageOf(e) }),
        ),
      );
    }
    jobs.push(row);
  }
  const results = await Promise.all(jobs.map((row) => Promise.all(row)));
  if (req.acks === 0) return null;
  return {
    responses: req.topicData.map((t, i) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p, j) => {
        const r = results[i]![j]!;
        if (r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) broker.say(`kafka: produce to ${t.name}/${p.index} refused: ${r.message ?? r.errorCode}`);
        return {
          index: p.index,
          errorCode: r.errorCode,
          baseOffset: r.result?.baseOffset ?? -1,
          logAppendTimeMs: r.result?.logAppendTime ?? -1,
          logStartOffset: r.result?.logStartOffset ?? -1,
          recordErrors: [],
          errorMessage: r.errorCode === ErrorCode.NONE ? null : r.message,
        };
      }),
    })),
    throttleTimeMs: 0,
  };
}

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: { topic: string; topicId: string; partitions: { partition: number; fetchOffset: number; partitionMaxBytes: number }[] }[];
}

interface PartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  abortedTransactions: [] | null;
  preferredReadReplica: number;
  records: Buffer | null;
}

/**
 * Fetch with long polling: read every partition (whole stored batches, at most
 * partitionMaxBytes each and maxBytes in all, but the first batch of the response even
 * if larger, as KIP-74 asks); if fewer than minBytes came back and maxWaitMs has not
 * passed, wait until a partition's high watermark moves and read again. Fetch sessions
 * (KIP-227) are not kept: the response's session id is 0, so clients send full requests.
 * The last stable offset equals the high watermark (no transactions).
 */
export async function handleFetch(broker: Broker, ctx: RequestContext, body: Record<string, unknown>): Promise<ResponseBody> {
  const req = body as unknown as FetchRequest;
  if (ctx.version >= 7 && req.sessionId !== 0) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
  }
  const log = broker.log;
  const deadline = Date.now() + Math.max(0, req.maxWaitMs);
  const readCommitted = req.isolationLevel === 1;
  // v13+: topics by id
  const names = new Map<string, string>();
  if (ctx.version >= 13) for (const t of log.listTopics()) names.set(t.id, t.name);
  const nameOf = (t: { topic: string; topicId: string }): string | null => (ctx.version >= 13 ? (names.get(t.topicId) ?? null) : t.topic);
  for (;;) {
    let total = 0;
    let anyError = false;
    const responses = req.topics.map((t) => ({
      topic: t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((p): PartitionData => {
        const out: PartitionData = {
          partitionIndex: p.partition,
          errorCode: ErrorCode.NONE,
          highWatermark: -1,
          lastStableOffset: -1,
          logStartOffset: -1,
          abortedTransactions: readCommitted ? [] : null,
          preferredReadReplica: -1,
          records: EMPTY,
        };
        const name = nameOf(t);
        if (name === null) {
          out.errorCode = ErrorCode.UNKNOWN_TOPIC_ID;
          out.records = null;
          anyError = true;
          return out;
        }
        try {
          const part = log.partition(name, p.partition);
          out.highWatermark = part.highWatermark;
          out.lastStableOffset = part.highWatermark;
          out.logStartOffset = part.logStartOffset;
          const room = Math.min(p.partitionMaxBytes, req.maxBytes - total);
          if (room <= 0 && total > 0) return out;
          const r = part.read(p.fetchOffset, Math.max(room, 0), total === 0);
          out.highWatermark = r.highWatermark;
          out.lastStableOffset = r.highWatermark;
          out.records = r.records;
          total += r.records.length;
        } catch (e) {
          out.errorCode = errorCodeOf(e);
          out.records = null;
          anyError = true;
          if (out.errorCode === ErrorCode.CORRUPT_MESSAGE || out.errorCode === ErrorCode.UNKNOWN_SERVER_ERROR) {
            broker.say(`kafka: fetch ${name}/${p.partition} at ${p.fetchOffset}: ${messageOf(e) ?? 'error'}`);
          }
        }
        return out;
      }),
    }));
    const now = Date.now();
    if (total >= req.minBytes || anyError || now >= deadline || ctx.signal.aborted) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
    }
    const targets = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: nameOf(t) ?? '', partition: p.partition, offset: p.fetchOffset })));
    await log.waitForAny(targets, deadline - now, ctx.signal);
  }
}

interface ListOffsetsRequest {
  isolationLevel: number;
  topics: { name: string; partitions: { partitionIndex: number; timestamp: number }[] }[];
}

/** ListOffsets: -2 earliest, -1 latest (the high watermark), -3 the record with the largest timestamp, else the first record at or after the timestamp. */
export function handleListOffsets(broker: Broker, ctx: RequestContext, body: Record<string, unknown>): ResponseBody {
  const req = body as unknown as ListOffsetsRequest;
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const out: { partitionIndex: number; errorCode: number; timestamp: number; offset: number; leaderEpoch: number } = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, timestamp: -1, offset: -1, leaderEpoch: 0 };
        try {
          const part = broker.log.partition(t.name, p.partitionIndex);
          if (p.timestamp === -2) out.offset = part.logStartOffset;
          else if (p.timestamp === -1) out.offset = part.highWatermark;
          else if (p.timestamp === -3 && ctx.version >= 7) {
            const m = part.maxTimestampOffset();
            if (m !== null) {
              out.offset = m.offset;
              out.timestamp = m.timestamp;
            }
          } else if (p.timestamp >= 0) {
            const m = part.offsetForTimestamp(p.timestamp);
            if (m !== null) {
              out.offset = m.offset;
              out.timestamp = m.timestamp;
            }
          } else out.errorCode = ErrorCode.INVALID_REQUEST;
        } catch (e) {
          out.errorCode = errorCodeOf(e);
          out.leaderEpoch = -1;
        }
        return out;
      }),
    })),
  };
}
