import path from 'node:path';
import { KafkaContainer } from '@testcontainers/kafka';
import { MongoDBContainer } from '@testcontainers/mongodb';
import { GenericContainer, Wait } from 'testcontainers';
import type { IntegrationEnvironment } from './integration-environment';

const KAFKA_IMAGE = 'confluentinc/cp-kafka:8.1.0'; // Apache Kafka 4.1, as the local broker
const MONGODB_IMAGE = 'mongo:8';
const MOTO_IMAGE = 'motoserver/moto:5.2.5';
const MOTO_PORT = 5000;
const SEED_SCRIPT = path.resolve(__dirname, '../../../tools/infra/aws/seed.py');

interface SeedOutput {
  accountId: string;
  admin: { accessKeyId: string; secretAccessKey: string };
  platform: { accessKeyId: string; secretAccessKey: string };
  kms: { keyId: string };
}

/**
 * The same three parts in containers, for machines with a container runtime. moto is seeded by the
 * very script the local launcher uses, run inside its container, then IAM enforcement is switched on.
 */
export async function startContainerEnvironment(log: (line: string) => void): Promise<IntegrationEnvironment> {
  log('[integration] starting Kafka, MongoDB and moto containers');
  const [kafka, mongo, moto] = await Promise.all([
    new KafkaContainer(KAFKA_IMAGE).start(),
    new MongoDBContainer(MONGODB_IMAGE).start(),
    new GenericContainer(MOTO_IMAGE)
      .withExposedPorts(MOTO_PORT)
      .withCopyFilesToContainer([{ source: SEED_SCRIPT, target: '/seed.py' }])
      .withWaitStrategy(Wait.forHttp('/moto-api/', MOTO_PORT))
      .start(),
  ]);
  const seeded = await moto.exec(['python', '/seed.py'], {
    env: { S3C_AWS_ENDPOINT: `http://127.0.0.1:${MOTO_PORT}`, S3C_AWS_REGION: 'eu-west-1' },
  });
  if (seeded.exitCode !== 0) {
    throw new Error(`Seeding moto failed: ${seeded.stderr}`);
  }
  const seed = JSON.parse(seeded.stdout) as SeedOutput;
  const awsEndpoint = `http://${moto.getHost()}:${moto.getMappedPort(MOTO_PORT)}`;
  const enforcement = await fetch(`${awsEndpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  if (!enforcement.ok) {
    throw new Error(`Switching IAM enforcement on failed: HTTP ${enforcement.status}`);
  }
  return {
    mode: 'containers',
    kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    mongodbUri: `${mongo.getConnectionString()}/?directConnection=true`,
    awsEndpoint,
    awsRegion: 'eu-west-1',
    adminCredentials: seed.admin,
    platformCredentials: seed.platform,
    platformAccountId: seed.accountId,
    kmsKeyId: seed.kms.keyId,
    stop: async () => {
      await Promise.all([kafka.stop(), mongo.stop(), moto.stop()]);
    },
  };
}
