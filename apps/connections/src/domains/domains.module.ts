import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { API_KEY_LOOKUP } from '@s3c/nest-kit';
import { ApiKeyDocument, ApiKeySchema, DomainDocument, DomainSchema } from './api-key.schema';
import { DomainsService } from './domains.service';

@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ApiKeyDocument.name, schema: ApiKeySchema },
      { name: DomainDocument.name, schema: DomainSchema },
    ]),
  ],
  providers: [DomainsService, { provide: API_KEY_LOOKUP, useExisting: DomainsService }],
  exports: [DomainsService, API_KEY_LOOKUP],
})
export class DomainsModule {}
