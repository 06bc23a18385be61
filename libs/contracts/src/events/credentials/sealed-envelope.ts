import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Something credential-like sealed to one recipient's public key (X25519 + HKDF-SHA256 + AES-256-GCM).
 * Only the holder of the private key whose id is `kid` can open it; the AAD binds it to its purpose.
 */
export class SealedEnvelope {
  @IsInt() @IsIn([1])
  v!: 1;

  @IsString() @IsIn(['X25519-HKDF-SHA256-AES-256-GCM'])
  alg!: 'X25519-HKDF-SHA256-AES-256-GCM';

  @IsString() @MaxLength(64)
  kid!: string;

  @IsString() @Matches(BASE64) @MaxLength(200)
  epk!: string;

  @IsString() @Matches(BASE64) @MaxLength(64)
  iv!: string;

  @IsString() @Matches(BASE64) @MaxLength(65_536)
  ct!: string;

  @IsString() @Matches(BASE64) @MaxLength(64)
  tag!: string;

  @IsOptional() @IsString() @MaxLength(200)
  aad?: string;
}
