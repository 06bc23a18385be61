import { randomUUID } from 'node:crypto';
import {
  CONNECTION_CREATED_V1,
  CONNECTION_VALIDATED_V1,
  ContractErrorCode,
  deadLetterTopicOf,
  MessageHeader,
  type ConnectionCreatedV1,
} from '@s3c/contracts';
import { Module, type DynamicModule } from '@nestjs/common';
import { IsString } from 'class-validator';
import {
  BaseServiceConfig,
  buildHeaders,
  JsonLogger,
  KafkaProducerService,
  ServiceFoundationModule,
  type ServiceDefinition,
} from '@s3c/nest-kit';
import {
  currentEnvironment,
  KafkaTestConsumer,
  startServiceInProcess,
  uniqueDatabaseName,
  uniqueName,
  waitFor,
  type RunningService,
} from '@s3c/testing';
import { ConnectionViewsModule } from './connection-views.module';
import { ConnectionViewsRepository } from './connection-views.repository';

class ViewsTestConfig extends BaseServiceConfig {
  @IsString() VIEWS_DATABASE!: string;
  @IsString() VIEWS_GROUP_ID!: string;
}

@Module({})
class ViewsTestModule {
  static forRoot(config: ViewsTestConfig, logger: JsonLogger): DynamicModule {
    return {
      module: ViewsTestModule,
      imports: [
        ServiceFoundationModule.forRoot({
          configClass: ViewsTestConfig,
          config,
          logger,
          database: config.VIEWS_DATABASE,
          kafka: { clientId: 'connection-views-test', groupId: config.VIEWS_GROUP_ID },
        }),
        ConnectionViewsModule,
      ],
    };
  }
}

/** A service made of the read model alone, wired the way the credential broker and the importer wire it. */
const viewsService: ServiceDefinition<ViewsTestConfig> = {
  name: 'connection-views-test',
  configClass: ViewsTestConfig,
  module: (config, logger) => ViewsTestModule.forRoot(config, logger),
  httpPort: () => 0,
};

function connectionCreated(domain: string): ConnectionCreatedV1 {
  return {
    connectionId: randomUUID(),
    domain,
    title: 'Water quality',
    type: 's3',
    auth: { method: 'iam_role', region: 'eu-west-3', externalId: `ods-${domain}-${randomUUID()}`, secretAccessKeySet: false, headerNames: [] },
    status: 'invalid',
    statusReason: { code: 'ROLE_ARN_MISSING', message: 'role_arn is not set' },
    revision: 1,
    occurredAt: new Date().toISOString(),
  };
}

// The connections service publishes with the same kit producer; the end-to-end suite covers the path
// from its REST API through the running processes.
describe('connection events consumed into the connection read model', () => {
  const environment = currentEnvironment();
  let viewsApp: RunningService;
  let topics: KafkaTestConsumer;
  let producer: KafkaProducerService;
  let views: ConnectionViewsRepository;

  beforeAll(async () => {
    topics = await new KafkaTestConsumer(environment.kafkaBrokers).start([
      CONNECTION_CREATED_V1.topic,
      deadLetterTopicOf(CONNECTION_CREATED_V1.topic),
    ]);
    viewsApp = await startServiceInProcess(viewsService, {
      VIEWS_DATABASE: uniqueDatabaseName('views'),
      VIEWS_GROUP_ID: uniqueName('connection-views'),
    });
    producer = viewsApp.app.get(KafkaProducerService);
    views = viewsApp.app.get(ConnectionViewsRepository);
  });

  afterAll(async () => {
    await Promise.all([viewsApp?.close(), topics?.stop()]);
  });

  it('should deliver a connection event with its key and headers and apply it to the read model', async () => {
    const event = connectionCreated('mvdomain');
    const correlationId = randomUUID();

    await producer.publish(CONNECTION_CREATED_V1, event, { domain: 'mvdomain', correlationId });

    const [message] = await topics.waitForMessages((m) => m.key === event.connectionId);
    expect(message.headers).toMatchObject({
      [MessageHeader.CorrelationId]: correlationId,
      [MessageHeader.Domain]: 'mvdomain',
      [MessageHeader.SchemaVersion]: '1',
    });
    const view = await waitFor(() => views.findOne('mvdomain', event.connectionId), { what: 'the connection view' });
    expect(view).toMatchObject({ title: 'Water quality', auth: { method: 'iam_role', region: 'eu-west-3' }, status: 'invalid', revision: 1 });
  });

  it('should ignore an older revision delivered after a newer one', async () => {
    const created = connectionCreated('mvdomain');
    const validated = { ...created, status: 'valid' as const, statusReason: undefined, revision: 2 };

    await producer.publish(CONNECTION_VALIDATED_V1, validated, { domain: 'mvdomain' });
    await waitFor(async () => (await views.findOne('mvdomain', created.connectionId))?.revision === 2, { what: 'revision 2' });
    await producer.publish(CONNECTION_CREATED_V1, created, { domain: 'mvdomain' });
    await topics.waitForMessages((m) => m.key === created.connectionId && m.topic === CONNECTION_CREATED_V1.topic);
    await producer.publish(CONNECTION_CREATED_V1, connectionCreated('mvdomain'), { domain: 'mvdomain' });

    const view = await views.findOne('mvdomain', created.connectionId);
    expect(view).toMatchObject({ status: 'valid', revision: 2 });
  });

  it('should dead-letter an invalid payload with its error code and keep consuming', async () => {
    const key = randomUUID();
    const invalid = { ...connectionCreated('mvdomain'), connectionId: key, status: 'maybe' };

    await producer.send(CONNECTION_CREATED_V1.topic, key, Buffer.from(JSON.stringify(invalid)), buildHeaders(1, { domain: 'mvdomain' }));
    const next = connectionCreated('mvdomain');
    await producer.publish(CONNECTION_CREATED_V1, next, { domain: 'mvdomain' });

    const [dead] = await topics.waitForMessages((m) => m.topic === deadLetterTopicOf(CONNECTION_CREATED_V1.topic) && m.key === key);
    expect(dead.headers[MessageHeader.DeadLetterErrorCode]).toBe(ContractErrorCode.InvalidPayload);
    expect(dead.headers[MessageHeader.DeadLetterOriginalTopic]).toBe(CONNECTION_CREATED_V1.topic);
    expect(await waitFor(() => views.findOne('mvdomain', next.connectionId), { what: 'the next event applied' })).toBeTruthy();
  });

  it('should refuse a message whose header domain is not the payload domain', async () => {
    const event = connectionCreated('mvdomain');

    await producer.publish(CONNECTION_CREATED_V1, event, { domain: 'otherdomain' });

    const [dead] = await topics.waitForMessages(
      (m) => m.topic === deadLetterTopicOf(CONNECTION_CREATED_V1.topic) && m.key === event.connectionId,
    );
    expect(dead.headers[MessageHeader.DeadLetterErrorCode]).toBe('DOMAIN_MISMATCH');
    expect(await views.findOne('mvdomain', event.connectionId)).toBeNull();
  });
});
