import { Module } from '@nestjs/common';
import { ConnectionViewsModule } from '@s3c/connection-views';
import { ConnectionValidationResponder } from './connection-validation.responder';
import { ObjectRequestSigningResponder } from './object-request-signing.responder';
import { PlatformIdentityResponder } from './platform-identity.responder';

@Module({ imports: [ConnectionViewsModule], providers: [PlatformIdentityResponder, ConnectionValidationResponder, ObjectRequestSigningResponder] })
export class RequestsModule {}
