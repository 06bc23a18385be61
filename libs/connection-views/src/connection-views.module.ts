import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConnectionEventsConsumer } from './connection-events.consumer';
import { ConnectionViewDocument, ConnectionViewSchema } from './connection-view.schema';
import { ConnectionViewsRepository } from './connection-views.repository';

@Module({
  imports: [MongooseModule.forFeature([{ name: ConnectionViewDocument.name, schema: ConnectionViewSchema }])],
  providers: [ConnectionViewsRepository, ConnectionEventsConsumer],
  exports: [ConnectionViewsRepository, ConnectionEventsConsumer],
})
export class ConnectionViewsModule {}
