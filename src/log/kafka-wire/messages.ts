import { arr, f, struct, type ApiDef } from './schema.js';

/**
 * The Kafka APIs the embedded broker serves, with the version ranges it advertises.
 * The ranges cover what current clients negotiate: librdkafka 2.x (kcat), kafkajs 2.2
 * (classic versions only: Produce ≤ 7, Fetch ≤ 11, Metadata ≤ 6, ...), and
 * @platformatic/kafka 1.x (flexible versions only: Produce ≥ 7, Metadata ≥ 9, JoinGroup ≥ 6,
 * ...; its Fetch always addresses topics by id, so Fetch goes up to v17, where topics are
 * named by topic id (KIP-516)). OffsetCommit and OffsetFetch stop at v8: v9 belongs to the
 * new consumer protocol (KIP-848). Each definition follows the protocol's published schema
 * for those versions.
 */

export const PRODUCE: ApiDef = {
  key: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 9,
  flexibleFrom: 9,
  request: [
    f('transactionalId', 'string', '3+', { nullable: '0+', default: null }),
    f('acks', 'int16', '0+'),
    f('timeoutMs', 'int32', '0+'),
    arr('topicData', '0+', [
      f('name', 'string', '0+'),
      arr('partitionData', '0+', [f('index', 'int32', '0+'), f('records', 'records', '0+')]),
    ]),
  ],
  response: [
    arr('responses', '0+', [
      f('name', 'string', '0+'),
      arr('partitionResponses', '0+', [
        f('index', 'int32', '0+'),
        f('errorCode', 'int16', '0+'),
        f('baseOffset', 'int64', '0+'),
        f('logAppendTimeMs', 'int64', '2+', { default: -1 }),
        f('logStartOffset', 'int64', '5+', { default: -1 }),
        arr('recordErrors', '8+', [f('batchIndex', 'int32', '8+'), f('batchIndexErrorMessage', 'string', '8+', { nullable: '8+', default: null })]),
        f('errorMessage', 'string', '8+', { nullable: '8+', default: null }),
      ]),
    ]),
    f('throttleTimeMs', 'int32', '1+'),
  ],
};

export const FETCH: ApiDef = {
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 17,
  flexibleFrom: 12,
  request: [
    f('clusterId', 'string', '12+', { nullable: '12+', tag: 0, default: null }),
    f('replicaId', 'int32', '0-14', { default: -1 }),
    struct('replicaState', '15+', [f('replicaId', 'int32', '15+', { default: -1 }), f('replicaEpoch', 'int64', '15+', { default: -1 })], { tag: 1 }),
    f('maxWaitMs', 'int32', '0+'),
    f('minBytes', 'int32', '0+'),
    f('maxBytes', 'int32', '3+', { default: 0x7fffffff }),
    f('isolationLevel', 'int8', '4+'),
    f('sessionId', 'int32', '7+'),
    f('sessionEpoch', 'int32', '7+', { default: -1 }),
    arr('topics', '0+', [
      f('topic', 'string', '0-12'),
      f('topicId', 'uuid', '13+'),
      arr('partitions', '0+', [
        f('partition', 'int32', '0+'),
        f('currentLeaderEpoch', 'int32', '9+', { default: -1 }),
        f('fetchOffset', 'int64', '0+'),
        f('lastFetchedEpoch', 'int32', '12+', { default: -1 }),
        f('logStartOffset', 'int64', '5+', { default: -1 }),
        f('partitionMaxBytes', 'int32', '0+'),
        f('replicaDirectoryId', 'uuid', '17+', { tag: 0 }),
      ]),
    ]),
    arr('forgottenTopicsData', '7+', [f('topic', 'string', '7-12'), f('topicId', 'uuid', '13+'), arr('partitions', '7+', 'int32')]),
    f('rackId', 'string', '11+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16', '7+'),
    f('sessionId', 'int32', '7+'),
    arr('responses', '0+', [
      f('topic', 'string', '0-12'),
      f('topicId', 'uuid', '13+'),
      arr('partitions', '0+', [
        f('partitionIndex', 'int32', '0+'),
        f('errorCode', 'int16', '0+'),
        f('highWatermark', 'int64', '0+'),
        f('lastStableOffset', 'int64', '4+', { default: -1 }),
        f('logStartOffset', 'int64', '5+', { default: -1 }),
        arr('abortedTransactions', '4+', [f('producerId', 'int64', '4+'), f('firstOffset', 'int64', '4+')], { nullable: '4+', default: null }),
        f('preferredReadReplica', 'int32', '11+', { default: -1 }),
        f('records', 'records', '0+'),
      ]),
    ]),
  ],
};

export const LIST_OFFSETS: ApiDef = {
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 7,
  flexibleFrom: 6,
  request: [
    f('replicaId', 'int32', '0+'),
    f('isolationLevel', 'int8', '2+'),
    arr('topics', '0+', [
      f('name', 'string', '0+'),
      arr('partitions', '0+', [f('partitionIndex', 'int32', '0+'), f('currentLeaderEpoch', 'int32', '4+', { default: -1 }), f('timestamp', 'int64', '0+')]),
    ]),
  ],
  response: [
    f('throttleTimeMs', 'int32', '2+'),
    arr('topics', '0+', [
      f('name', 'string', '0+'),
      arr('partitions', '0+', [
        f('partitionIndex', 'int32', '0+'),
        f('errorCode', 'int16', '0+'),
        f('timestamp', 'int64', '1+', { default: -1 }),
        f('offset', 'int64', '1+', { default: -1 }),
        f('leaderEpoch', 'int32', '4+', { default: -1 }),
      ]),
    ]),
  ],
};

export const METADATA: ApiDef = {
  key: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  flexibleFrom: 9,
  request: [
    arr('topics', '0+', [f('topicId', 'uuid', '10+'), f('name', 'string', '0+', { nullable: '10+' })], { nullable: '1+', default: null }),
    f('allowAutoTopicCreation', 'bool', '4+', { default: true }),
    f('includeClusterAuthorizedOperations', 'bool', '8-10'),
    f('includeTopicAuthorizedOperations', 'bool', '8+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '3+'),
    arr('brokers', '0+', [f('nodeId', 'int32', '0+'), f('host', 'string', '0+'), f('port', 'int32', '0+'), f('rack', 'string', '1+', { nullable: '1+', default: null })]),
    f('clusterId', 'string', '2+', { nullable: '2+', default: null }),
    f('controllerId', 'int32', '1+', { default: -1 }),
    arr('topics', '0+', [
      f('errorCode', 'int16', '0+'),
      f('name', 'string', '0+', { nullable: '12+' }),
      f('topicId', 'uuid', '10+'),
      f('isInternal', 'bool', '1+'),
      arr('partitions', '0+', [
        f('errorCode', 'int16', '0+'),
        f('partitionIndex', 'int32', '0+'),
        f('leaderId', 'int32', '0+'),
        f('leaderEpoch', 'int32', '7+', { default: -1 }),
        arr('replicaNodes', '0+', 'int32'),
        arr('isrNodes', '0+', 'int32'),
        arr('offlineReplicas', '5+', 'int32'),
      ]),
      f('topicAuthorizedOperations', 'int32', '8+', { default: -2147483648 }),
    ]),
    f('clusterAuthorizedOperations', 'int32', '8-10', { default: -2147483648 }),
  ],
};

export const OFFSET_COMMIT: ApiDef = {
  key: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 8,
  flexibleFrom: 8,
  request: [
    f('groupId', 'string', '0+'),
    f('generationIdOrMemberEpoch', 'int32', '1+', { default: -1 }),
    f('memberId', 'string', '1+'),
    f('groupInstanceId', 'string', '7+', { nullable: '7+', default: null }),
    f('retentionTimeMs', 'int64', '2-4', { default: -1 }),
    arr('topics', '0+', [
      f('name', 'string', '0+'),
      arr('partitions', '0+', [
        f('partitionIndex', 'int32', '0+'),
        f('committedOffset', 'int64', '0+'),
        f('committedLeaderEpoch', 'int32', '6+', { default: -1 }),
        f('committedMetadata', 'string', '0+', { nullable: '0+' }),
      ]),
    ]),
  ],
  response: [
    f('throttleTimeMs', 'int32', '3+'),
    arr('topics', '0+', [f('name', 'string', '0+'), arr('partitions', '0+', [f('partitionIndex', 'int32', '0+'), f('errorCode', 'int16', '0+')])]),
  ],
};

const OFFSET_FETCH_PARTITION = [
  f('partitionIndex', 'int32', '0+'),
  f('committedOffset', 'int64', '0+'),
  f('committedLeaderEpoch', 'int32', '5+', { default: -1 }),
  f('metadata', 'string', '0+', { nullable: '0+' }),
  f('errorCode', 'int16', '0+'),
];

export const OFFSET_FETCH: ApiDef = {
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 8,
  flexibleFrom: 6,
  request: [
    f('groupId', 'string', '0-7'),
    arr('topics', '0-7', [f('name', 'string', '0+'), arr('partitionIndexes', '0+', 'int32')], { nullable: '2-7' }),
    arr('groups', '8+', [f('groupId', 'string', '8+'), arr('topics', '8+', [f('name', 'string', '8+'), arr('partitionIndexes', '8+', 'int32')], { nullable: '8+' })]),
    f('requireStable', 'bool', '7+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '3+'),
    arr('topics', '0-7', [f('name', 'string', '0+'), arr('partitions', '0+', OFFSET_FETCH_PARTITION)]),
    f('errorCode', 'int16', '2-7'),
    arr('groups', '8+', [
      f('groupId', 'string', '8+'),
      arr('topics', '8+', [f('name', 'string', '8+'), arr('partitions', '8+', OFFSET_FETCH_PARTITION)]),
      f('errorCode', 'int16', '8+'),
    ]),
  ],
};

export const FIND_COORDINATOR: ApiDef = {
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,
  request: [f('key', 'string', '0-3'), f('keyType', 'int8', '1+'), arr('coordinatorKeys', '4+', 'string')],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16', '0-3'),
    f('errorMessage', 'string', '1-3', { nullable: '1-3', default: null }),
    f('nodeId', 'int32', '0-3'),
    f('host', 'string', '0-3'),
    f('port', 'int32', '0-3'),
    arr('coordinators', '4+', [
      f('key', 'string', '4+'),
      f('nodeId', 'int32', '4+'),
      f('host', 'string', '4+'),
      f('port', 'int32', '4+'),
      f('errorCode', 'int16', '4+'),
      f('errorMessage', 'string', '4+', { nullable: '4+', default: null }),
    ]),
  ],
};

export const JOIN_GROUP: ApiDef = {
  key: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  flexibleFrom: 6,
  request: [
    f('groupId', 'string', '0+'),
    f('sessionTimeoutMs', 'int32', '0+'),
    f('rebalanceTimeoutMs', 'int32', '1+', { default: -1 }),
    f('memberId', 'string', '0+'),
    f('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
    f('protocolType', 'string', '0+'),
    arr('protocols', '0+', [f('name', 'string', '0+'), f('metadata', 'bytes', '0+')]),
    f('reason', 'string', '8+', { nullable: '8+', default: null }),
  ],
  response: [
    f('throttleTimeMs', 'int32', '2+'),
    f('errorCode', 'int16', '0+'),
    f('generationId', 'int32', '0+', { default: -1 }),
    f('protocolType', 'string', '7+', { nullable: '7+', default: null }),
    f('protocolName', 'string', '0+', { nullable: '7+' }),
    f('leader', 'string', '0+'),
    f('skipAssignment', 'bool', '9+'),
    f('memberId', 'string', '0+'),
    arr('members', '0+', [f('memberId', 'string', '0+'), f('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }), f('metadata', 'bytes', '0+')]),
  ],
};

export const HEARTBEAT: ApiDef = {
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 4,
  request: [f('groupId', 'string', '0+'), f('generationId', 'int32', '0+'), f('memberId', 'string', '0+'), f('groupInstanceId', 'string', '3+', { nullable: '3+', default: null })],
  response: [f('throttleTimeMs', 'int32', '1+'), f('errorCode', 'int16', '0+')],
};

export const LEAVE_GROUP: ApiDef = {
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 4,
  request: [
    f('groupId', 'string', '0+'),
    f('memberId', 'string', '0-2'),
    arr('members', '3+', [f('memberId', 'string', '3+'), f('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }), f('reason', 'string', '5+', { nullable: '5+', default: null })]),
  ],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16', '0+'),
    arr('members', '3+', [f('memberId', 'string', '3+'), f('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }), f('errorCode', 'int16', '3+')]),
  ],
};

export const SYNC_GROUP: ApiDef = {
  key: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 4,
  request: [
    f('groupId', 'string', '0+'),
    f('generationId', 'int32', '0+'),
    f('memberId', 'string', '0+'),
    f('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
    f('protocolType', 'string', '5+', { nullable: '5+', default: null }),
    f('protocolName', 'string', '5+', { nullable: '5+', default: null }),
    arr('assignments', '0+', [f('memberId', 'string', '0+'), f('assignment', 'bytes', '0+')]),
  ],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16', '0+'),
    f('protocolType', 'string', '5+', { nullable: '5+', default: null }),
    f('protocolName', 'string', '5+', { nullable: '5+', default: null }),
    f('assignment', 'bytes', '0+'),
  ],
};

export const DESCRIBE_GROUPS: ApiDef = {
  key: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 5,
  request: [arr('groups', '0+', 'string'), f('includeAuthorizedOperations', 'bool', '3+')],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    arr('groups', '0+', [
      f('errorCode', 'int16', '0+'),
      f('groupId', 'string', '0+'),
      f('groupState', 'string', '0+'),
      f('protocolType', 'string', '0+'),
      f('protocolData', 'string', '0+'),
      arr('members', '0+', [
        f('memberId', 'string', '0+'),
        f('groupInstanceId', 'string', '4+', { nullable: '4+', default: null }),
        f('clientId', 'string', '0+'),
        f('clientHost', 'string', '0+'),
        f('memberMetadata', 'bytes', '0+'),
        f('memberAssignment', 'bytes', '0+'),
      ]),
      f('authorizedOperations', 'int32', '3+', { default: -2147483648 }),
    ]),
  ],
};

export const LIST_GROUPS: ApiDef = {
  key: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,
  request: [arr('statesFilter', '4+', 'string')],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16', '0+'),
    arr('groups', '0+', [f('groupId', 'string', '0+'), f('protocolType', 'string', '0+'), f('groupState', 'string', '4+')]),
  ],
};

export const API_VERSIONS: ApiDef = {
  key: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 3,
  request: [f('clientSoftwareName', 'string', '3+'), f('clientSoftwareVersion', 'string', '3+')],
  response: [
    f('errorCode', 'int16', '0+'),
    arr('apiKeys', '0+', [f('apiKey', 'int16', '0+'), f('minVersion', 'int16', '0+'), f('maxVersion', 'int16', '0+')]),
    f('throttleTimeMs', 'int32', '1+'),
  ],
};

const CREATABLE_TOPIC_CONFIG = [
  f('name', 'string', '5+'),
  f('value', 'string', '5+', { nullable: '5+' }),
  f('readOnly', 'bool', '5+'),
  f('configSource', 'int8', '5+', { default: -1 }),
  f('isSensitive', 'bool', '5+'),
];

export const CREATE_TOPICS: ApiDef = {
  key: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  flexibleFrom: 5,
  request: [
    arr('topics', '0+', [
      f('name', 'string', '0+'),
      f('numPartitions', 'int32', '0+'),
      f('replicationFactor', 'int16', '0+'),
      arr('assignments', '0+', [f('partitionIndex', 'int32', '0+'), arr('brokerIds', '0+', 'int32')]),
      arr('configs', '0+', [f('name', 'string', '0+'), f('value', 'string', '0+', { nullable: '0+' })]),
    ]),
    f('timeoutMs', 'int32', '0+', { default: 60000 }),
    f('validateOnly', 'bool', '1+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '2+'),
    arr('topics', '0+', [
      f('name', 'string', '0+'),
      f('topicId', 'uuid', '7+'),
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '1+', { nullable: '1+', default: null }),
      f('topicConfigErrorCode', 'int16', '5+', { tag: 0, default: 0 }),
      f('numPartitions', 'int32', '5+', { default: -1 }),
      f('replicationFactor', 'int16', '5+', { default: -1 }),
      arr('configs', '5+', CREATABLE_TOPIC_CONFIG, { nullable: '5+', default: null }),
    ]),
  ],
};

export const DELETE_TOPICS: ApiDef = {
  key: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  flexibleFrom: 4,
  request: [arr('topics', '6+', [f('name', 'string', '6+', { nullable: '6+', default: null }), f('topicId', 'uuid', '6+')]), arr('topicNames', '0-5', 'string'), f('timeoutMs', 'int32', '0+')],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    arr('responses', '0+', [
      f('name', 'string', '0+', { nullable: '6+' }),
      f('topicId', 'uuid', '6+'),
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '5+', { nullable: '5+', default: null }),
    ]),
  ],
};

export const INIT_PRODUCER_ID: ApiDef = {
  key: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 2,
  request: [
    f('transactionalId', 'string', '0+', { nullable: '0+' }),
    f('transactionTimeoutMs', 'int32', '0+'),
    f('producerId', 'int64', '3+', { default: -1 }),
    f('producerEpoch', 'int16', '3+', { default: -1 }),
  ],
  response: [f('throttleTimeMs', 'int32', '0+'), f('errorCode', 'int16', '0+'), f('producerId', 'int64', '0+', { default: -1 }), f('producerEpoch', 'int16', '0+')],
};

export const DESCRIBE_CONFIGS: ApiDef = {
  key: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 4,
  request: [
    arr('resources', '0+', [f('resourceType', 'int8', '0+'), f('resourceName', 'string', '0+'), arr('configurationKeys', '0+', 'string', { nullable: '0+', default: null })]),
    f('includeSynonyms', 'bool', '1+'),
    f('includeDocumentation', 'bool', '3+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '0+'),
    arr('results', '0+', [
      f('errorCode', 'int16', '0+'),
      f('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      f('resourceType', 'int8', '0+'),
      f('resourceName', 'string', '0+'),
      arr('configs', '0+', [
        f('name', 'string', '0+'),
        f('value', 'string', '0+', { nullable: '0+' }),
        f('readOnly', 'bool', '0+'),
        f('isDefault', 'bool', '0'),
        f('configSource', 'int8', '1+', { default: -1 }),
        f('isSensitive', 'bool', '0+'),
        arr('synonyms', '1+', [f('name', 'string', '1+'), f('value', 'string', '1+', { nullable: '1+' }), f('source', 'int8', '1+')]),
        f('configType', 'int8', '3+'),
        f('documentation', 'string', '3+', { nullable: '3+', default: null }),
      ]),
    ]),
  ],
};

/** Every API served, by key. */
export const APIS: ReadonlyMap<number, ApiDef> = new Map(
  [PRODUCE, FETCH, LIST_OFFSETS, METADATA, OFFSET_COMMIT, OFFSET_FETCH, FIND_COORDINATOR, JOIN_GROUP, HEARTBEAT, LEAVE_GROUP, SYNC_GROUP, DESCRIBE_GROUPS, LIST_GROUPS, API_VERSIONS, CREATE_TOPICS, DELETE_TOPICS, INIT_PRODUCER_ID, DESCRIBE_CONFIGS].map((a) => [a.key, a]),
);
