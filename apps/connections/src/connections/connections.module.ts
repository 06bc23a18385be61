import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConnectionDocument, ConnectionSchema } from './connection.schema';
import { ConnectionOutboxRelay } from './connection-outbox.relay';
import { ConnectionsController } from './connections.controller';
import { ConnectionsRepository } from './connections.repository';
import { ConnectionsService } from './connections.service';
import { CredentialBrokerClient } from './credential-broker.client';

@Module({
  imports: [MongooseModule.forFeature([{ name: ConnectionDocument.name, schema: ConnectionSchema }])],
  controllers: [ConnectionsController],
  providers: [ConnectionsRepository, ConnectionOutboxRelay, ConnectionsService, CredentialBrokerClient],
})
export class ConnectionsModule {}
