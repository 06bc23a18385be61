import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_IDENTITY_DESCRIBE_REPLY_V1, PLATFORM_IDENTITY_DESCRIBE_V1 } from '@s3c/contracts';
import { KafkaConsumerService } from '@s3c/nest-kit';
import { PlatformAws } from '../aws/platform-aws';
import { SEALING_KEYS, type BrokerSealingKeys } from '../keys/broker-keys';

/** Tells the connections service the platform's AWS account and principal, and the key to seal secrets to. */
@Injectable()
export class PlatformIdentityResponder {
  constructor(consumer: KafkaConsumerService, aws: PlatformAws, @Inject(SEALING_KEYS) keys: BrokerSealingKeys) {
    consumer.respond(PLATFORM_IDENTITY_DESCRIBE_V1, PLATFORM_IDENTITY_DESCRIBE_REPLY_V1, async () => {
      const identity = await aws.identity.get();
      return { accountId: identity.accountId, principalArn: identity.principalArn, sealingPublicKey: keys.publicKey, sealingKeyId: keys.kid };
    });
  }
}
