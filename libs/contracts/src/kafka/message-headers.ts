/** Header names every message of the connector carries (values are strings on the wire). */
export const MessageHeader = {
  CorrelationId: 'correlation-id',
  SchemaVersion: 'schema-version',
  Domain: 'domain',
  MessageId: 'message-id',
  ContentType: 'content-type',
  /** Set on dead-letter messages. */
  DeadLetterError: 'dlq-error',
  DeadLetterErrorCode: 'dlq-error-code',
  DeadLetterAttempts: 'dlq-attempts',
  DeadLetterOriginalTopic: 'dlq-original-topic',
  DeadLetterOriginalPartition: 'dlq-original-partition',
  DeadLetterOriginalOffset: 'dlq-original-offset',
  /** The consumer group that gave up on the message: which service rejected it. */
  DeadLetterConsumerGroup: 'dlq-consumer-group',
} as const;

export type MessageHeaderName = (typeof MessageHeader)[keyof typeof MessageHeader];

export interface MessageMetadata {
  correlationId: string;
  domain: string;
  schemaVersion: number;
  messageId: string;
}
