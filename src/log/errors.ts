import { StrataError, type ErrorCode } from '../core/errors.js';

/**
 * Log failures carry, besides a StrataError code for people, the name of the Kafka
 * protocol error that a broker answers in the same situation (`details.kafkaError`), so
 * the wire server maps them one to one and in-process callers can branch on them.
 */
export type KafkaErrorName =
  | 'OFFSET_OUT_OF_RANGE'
  | 'CORRUPT_MESSAGE'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'MESSAGE_TOO_LARGE'
  | 'INVALID_TOPIC_EXCEPTION'
  | 'TOPIC_ALREADY_EXISTS'
  | 'INVALID_PARTITIONS'
  | 'INVALID_CONFIG'
  | 'INVALID_REQUEST'
  | 'UNSUPPORTED_FOR_MESSAGE_FORMAT'
  | 'OUT_OF_ORDER_SEQUENCE_NUMBER'
  | 'INVALID_PRODUCER_EPOCH'
  | 'INVALID_TXN_STATE'
  | 'UNKNOWN_PRODUCER_ID'
  | 'KAFKA_STORAGE_ERROR'
  | 'INVALID_RECORD'
  | 'UNSUPPORTED_COMPRESSION_TYPE';

export interface LogErrorOptions {
  readonly hint?: string;
  readonly retryable?: boolean;
  readonly details?: Record<string, unknown>;
  readonly cause?: unknown;
}

export function logError(kafka: KafkaErrorName, code: ErrorCode, message: string, options: LogErrorOptions = {}): StrataError {
  return new StrataError(code, message, {
    hint: options.hint,
    retryable: options.retryable ?? false,
    details: { ...(options.details ?? {}), kafkaError: kafka },
    cause: options.cause,
  });
}

/** The Kafka error name carried by a log error, or null for anything else. */
export function kafkaErrorOf(e: unknown): KafkaErrorName | null {
  if (!(e instanceof StrataError) || e.details === undefined) return null;
  const k = e.details['kafkaError'];
  return typeof k === 'string' ? (k as KafkaErrorName) : null;
}

export function unknownTopic(topic: string, partition?: number): StrataError {
  const where = partition === undefined ? `topic '${topic}'` : `topic '${topic}' partition ${partition}`;
  return logError('UNKNOWN_TOPIC_OR_PARTITION', 'CATALOG_OBJECT_NOT_FOUND', `${where} does not exist in the embedded log.`, {
    hint: 'Create the topic first (any Kafka admin client, or Log.createTopic), or enable auto-creation.',
  });
}
