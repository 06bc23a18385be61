import { runService } from '@s3c/nest-kit';
import { credentialBrokerService } from './credential-broker.service-definition';

void runService(credentialBrokerService);
