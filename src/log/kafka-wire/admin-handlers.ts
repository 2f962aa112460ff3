import { isStrataError } from '../../core/errors.js';
import type { TopicInfo } from '../log.js';
import { kafkaConfigTypeCode, parseKafkaTopicConfigs, TOPIC_CONFIGS, validateTopicName } from '../topic-config.js';
import type { Broker, RequestContext, ResponseBody } from './broker.js';
import { ErrorCode, errorCodeOf } from './error-codes.js';
import { APIS } from './messages.js';
import { OFFSETS_TOPIC } from './offset-store.js';

/** ApiVersions, Metadata, CreateTopics, DeleteTopics, DescribeConfigs, InitProducerId. */

function messageOf(e: unknown): string | null {
  return isStrataError(e) ? e.message : e instanceof Error ? e.message : null;
}

export function handleApiVersions(): ResponseBody {
  return {
    errorCode: ErrorCode.NONE,
    apiKeys: [...APIS.values()].sort((a, b) => a.key - b.key).map((a) => ({ apiKey: a.key, minVersion: a.minVersion, maxVersion: a.maxVersion })),
    throttleTimeMs: 0,
  };
}

/** The body of an UNSUPPORTED_VERSION answer to ApiVersions (sent in the v0 layout, KIP-511). */
export function apiVersionsUnsupported(): ResponseBody {
  const a = APIS.get(18)!;
  return { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: [{ apiKey: 18, minVersion: a.minVersion, maxVersion: a.maxVersion }], throttleTimeMs: 0 };
}

interface MetadataRequest {
  topics: { topicId: string; name: string | null }[] | null;
  allowAutoTopicCreation: boolean;
}

function topicMetadata(broker: Broker, info: TopicInfo): Record<string, unknown> {
  const node = broker.nodeId;
  const partitions = [];
  for (let p = 0; p < info.partitions; p++) {
    partitions.push({ errorCode: ErrorCode.NONE, partitionIndex: p, leaderId: node, leaderEpoch: 0, replicaNodes: [node], isrNodes: [node], offlineReplicas: [] });
  }
  return { errorCode: ErrorCode.NONE, name: info.name, topicId: info.id, isInternal: info.internal, partitions, topicAuthorizedOperations: -2147483648 };
}

/**
 * Metadata: this node is every partition's leader and only replica. Unknown topics are
 * created when the request allows it and the log has auto-creation on (Kafka's
 * auto.create.topics.enable); they are answered at once with their partitions (Kafka
 * first answers LEADER_NOT_AVAILABLE while it elects leaders).
 */
export function handleMetadata(broker: Broker, ctx: RequestContext, body: Record<string, unknown>): ResponseBody {
  const req = body as unknown as MetadataRequest;
  const log = broker.log;
  const all = req.topics === null || (ctx.version === 0 && req.topics.length === 0);
  const topics: Record<string, unknown>[] = [];
  if (all) {
    for (const t of log.listTopics()) topics.push(topicMetadata(broker, t));
  } else {
    const allowCreate = (ctx.version < 4 || req.allowAutoTopicCreation) && log.autoCreateTopics;
    for (const t of req.topics!) {
      let name = t.name;
      if (name === null) {
        const byId = log.listTopics().find((x) => x.id === t.topicId);
        if (byId === undefined) {
          topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: t.topicId, isInternal: false, partitions: [] });
          continue;
        }
        name = byId.name;
      }
      let info = log.topic(name);
      if (info === null && allowCreate) {
        try {
          info = log.createTopic(name);
          broker.say(`kafka: auto-created topic ${name} (${info.partitions} partition(s)) for client ${ctx.clientId}`);
        } catch (e) {
          topics.push({ errorCode: errorCodeOf(e), name, isInternal: false, partitions: [] });
          continue;
        }
      }
      if (info === null) {
        let code: number = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        try {
          validateTopicName(name);
        } catch {
          code = ErrorCode.INVALID_TOPIC_EXCEPTION;
        }
        topics.push({ errorCode: code, name, isInternal: false, partitions: [] });
        continue;
      }
      topics.push(topicMetadata(broker, info));
    }
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.nodeId, host: broker.advertisedHost, port: broker.advertisedPort, rack: null }],
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    topics,
    clusterAuthorizedOperations: -2147483648,
  };
}

interface CreateTopicsRequest {
  topics: {
    name: string;
    numPartitions: number;
    replicationFactor: number;
    assignments: { partitionIndex: number; brokerIds: number[] }[];
    configs: { name: string; value: string | null }[];
  }[];
  validateOnly: boolean;
}

const CONFIG_SOURCE_TOPIC = 1;
const CONFIG_SOURCE_STATIC_BROKER = 4;
const CONFIG_SOURCE_DEFAULT = 5;

function describeTopicConfigs(info: TopicInfo): { name: string; value: string; source: number; type: number; doc: string }[] {
  const out = TOPIC_CONFIGS.map((d) => ({
    name: d.name,
    value: String(info.config[d.field]),
    source: info.explicitConfigs.includes(d.name) ? CONFIG_SOURCE_TOPIC : CONFIG_SOURCE_DEFAULT,
    type: kafkaConfigTypeCode(d.type),
    doc: d.doc,
  }));
  for (const [name, value] of Object.entries(info.otherConfigs)) out.push({ name, value, source: CONFIG_SOURCE_TOPIC, type: 2, doc: 'Accepted and stored; no effect on the embedded log.' });
  return out;
}

/**
 * CreateTopics: one node, so the replication factor must be 1 (or -1, the default) and
 * a manual assignment may only name this node. Configs are Kafka's topic configs (see
 * topic-config.ts); unknown names are INVALID_CONFIG.
 */
export function handleCreateTopics(broker: Broker, ctx: RequestContext, body: Record<string, unknown>): ResponseBody {
  const req = body as unknown as CreateTopicsRequest;
  const log = broker.log;
  const seen = new Set<string>();
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => {
      const fail = (errorCode: number, errorMessage: string | null): Record<string, unknown> => ({ name: t.name, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null });
      if (seen.has(t.name)) return fail(ErrorCode.INVALID_REQUEST, `topic ${t.name} appears twice in the request`);
      seen.add(t.name);
      if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
        return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${t.replicationFactor} larger than available brokers: 1.`);
      }
      if (t.assignments.some((a) => a.brokerIds.some((b) => b !== broker.nodeId))) {
        return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `only broker ${broker.nodeId} exists`);
      }
      const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? log.defaultPartitions : t.numPartitions;
      const configs: Record<string, string | null> = {};
      for (const c of t.configs) configs[c.name] = c.value;
      try {
        let info: TopicInfo;
        if (req.validateOnly) {
          validateTopicName(t.name);
          if (log.topic(t.name) !== null) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
          if (!Number.isInteger(partitions) || partitions < 1) return fail(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be larger than 0.`);
          parseKafkaTopicConfigs(configs);
          return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null, numPartitions: partitions, replicationFactor: 1, configs: null };
        } else {
          info = log.createTopic(t.name, { partitions, kafkaConfigs: configs });
          broker.say(`kafka: created topic ${t.name} (${partitions} partition(s)) for client ${ctx.clientId}`);
        }
        return {
          name: t.name,
          topicId: info.id,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: info.partitions,
          replicationFactor: 1,
          configs: describeTopicConfigs(info).map((c) => ({ name: c.name, value: c.value, readOnly: false, configSource: c.source, isSensitive: false })),
        };
      } catch (e) {
        return fail(errorCodeOf(e), messageOf(e));
      }
    }),
  };
}

interface DeleteTopicsRequest {
  topics: { name: string | null; topicId: string }[];
  topicNames: string[];
}

export async function handleDeleteTopics(broker: Broker, ctx: RequestContext, body: Record<string, unknown>): Promise<ResponseBody> {
  const req = body as unknown as DeleteTopicsRequest;
  const log = broker.log;
  const wanted = ctx.version >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: '' }));
  const responses: Record<string, unknown>[] = [];
  for (const t of wanted) {
    let name = t.name;
    if (name === null) {
      const byId = log.listTopics().find((x) => x.id === t.topicId);
      if (byId === undefined) {
        responses.push({ name: null, topicId: t.topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'unknown topic id' });
        continue;
      }
      name = byId.name;
    }
    const info = log.topic(name);
    if (info === null) {
      responses.push({ name, topicId: t.topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic.' });
      continue;
    }
    if (name === OFFSETS_TOPIC) {
      responses.push({ name, topicId: info.id, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `the internal topic ${OFFSETS_TOPIC} cannot be deleted` });
      continue;
    }
    try {
      await log.deleteTopic(name);
      broker.say(`kafka: deleted topic ${name} for client ${ctx.clientId}`);
      responses.push({ name, topicId: info.id, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (e) {
      responses.push({ name, topicId: info.id, errorCode: errorCodeOf(e), errorMessage: messageOf(e) });
    }
  }
  return { throttleTimeMs: 0, responses };
}

interface DescribeConfigsRequest {
  resources: { resourceType: number; resourceName: string; configurationKeys: string[] | null }[];
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;

/** DescribeConfigs for topics (every config the log implements, and those stored without effect) and for this broker. */
export function handleDescribeConfigs(broker: Broker, _ctx: RequestContext, body: Record<string, unknown>): ResponseBody {
  const req = body as unknown as DescribeConfigsRequest;
  const log = broker.log;
  return {
    throttleTimeMs: 0,
    results: req.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      let entries: { name: string; value: string; source: number; type: number; doc: string }[];
      if (r.resourceType === RESOURCE_TOPIC) {
        const info = log.topic(r.resourceName);
        if (info === null) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${r.resourceName} does not exist.`, configs: [] };
        entries = describeTopicConfigs(info);
      } else if (r.resourceType === RESOURCE_BROKER) {
        if (r.resourceName !== '' && r.resourceName !== String(broker.nodeId)) {
          return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unknown broker ${r.resourceName}; this node is ${broker.nodeId}`, configs: [] };
        }
        const d = log.defaultTopicConfig;
        entries = [
          { name: 'broker.id', value: String(broker.nodeId), source: CONFIG_SOURCE_STATIC_BROKER, type: 3, doc: 'This node.' },
          { name: 'num.partitions', value: String(log.defaultPartitions), source: CONFIG_SOURCE_STATIC_BROKER, type: 3, doc: 'Partitions of auto-created topics.' },
          { name: 'auto.create.topics.enable', value: String(log.autoCreateTopics), source: CONFIG_SOURCE_STATIC_BROKER, type: 1, doc: 'Create topics on first use.' },
          { name: 'default.replication.factor', value: '1', source: CONFIG_SOURCE_STATIC_BROKER, type: 3, doc: 'One node.' },
          { name: 'offsets.topic.replication.factor', value: '1', source: CONFIG_SOURCE_STATIC_BROKER, type: 4, doc: 'One node.' },
          { name: 'log.retention.ms', value: String(d.retentionMs), source: CONFIG_SOURCE_DEFAULT, type: 5, doc: 'Default retention.ms.' },
          { name: 'log.retention.bytes', value: String(d.retentionBytes), source: CONFIG_SOURCE_DEFAULT, type: 5, doc: 'Default retention.bytes.' },
          { name: 'log.segment.bytes', value: String(d.segmentBytes), source: CONFIG_SOURCE_DEFAULT, type: 3, doc: 'Default segment.bytes.' },
          { name: 'log.cleanup.policy', value: d.cleanupPolicy, source: CONFIG_SOURCE_DEFAULT, type: 7, doc: 'Default cleanup.policy.' },
          { name: 'message.max.bytes', value: String(d.maxMessageBytes), source: CONFIG_SOURCE_DEFAULT, type: 3, doc: 'Default max.message.bytes.' },
        ];
      } else {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `resource type ${r.resourceType} is not described by this broker`, configs: [] };
      }
      const keys = r.configurationKeys;
      const chosen = keys === null || keys.length === 0 ? entries : entries.filter((e) => keys.includes(e.name));
      return {
        ...base,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        configs: chosen.map((e) => ({
          name: e.name,
          value: e.value,
          readOnly: r.resourceType === RESOURCE_BROKER,
          isDefault: e.source === CONFIG_SOURCE_DEFAULT,
          configSource: e.source,
          isSensitive: false,
          synonyms: req.includeSynonyms ? [{ name: e.name, value: e.value, source: e.source }] : [],
          configType: e.type,
          documentation: req.includeDocumentation ? e.doc : null,
        })),
      };
    }),
  };
}

interface InitProducerIdRequest {
  transactionalId: string | null;
}

/**
 * InitProducerId for idempotent producers: always a new producer id with epoch 0 (as
 * Kafka does when there is no transactional id). Transactional producers are refused
 * with INVALID_REQUEST: the embedded log has no transaction coordinator.
 */
export function handleInitProducerId(broker: Broker, ctx: RequestContext, body: Record<string, unknown>): ResponseBody {
  const req = body as unknown as InitProducerIdRequest;
  if (req.transactionalId !== null) {
    broker.say(`kafka: client ${ctx.clientId} asked for transactional id '${req.transactionalId}': transactions are not supported; use an idempotent producer`);
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 };
  }
  const { producerId, producerEpoch } = broker.log.initProducerId();
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch };
}
