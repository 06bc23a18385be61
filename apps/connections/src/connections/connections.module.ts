import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConnectionDocument, ConnectionSchema } from './connection.schema';
import { ConnectionOutboxRelay } from './connection-outbox.relay';
import { ConnectionsRepository } from './connections.repository';

@Module({
  imports: [MongooseModule.forFeature([{ name: ConnectionDocument.name, schema: ConnectionSchema }])],
  providers: [ConnectionsRepository, ConnectionOutboxRelay],
  exports: [ConnectionsRepository, ConnectionOutboxRelay],
})
export class ConnectionsModule {}
