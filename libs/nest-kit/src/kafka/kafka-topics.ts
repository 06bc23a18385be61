import type { Kafka } from 'kafkajs';

/**
 * Creates the topics a service consumes before it subscribes, so that no message produced before the
 * first consumer joins is lost to an auto-created topic's "latest" position. Existing topics are left alone.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[],
  numPartitions = 0,
  configEntries: { name: string; value: string }[] = [],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          ...(numPartitions > 0 ? { numPartitions } : {}),
          configEntries,
        })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
