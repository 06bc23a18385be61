import { runService } from '@s3c/nest-kit';
import { connectionsService } from './connections.service-definition';

void runService(connectionsService);
