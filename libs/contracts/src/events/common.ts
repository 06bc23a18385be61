import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export const DOMAIN_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A coded reason shown to users: what happened, why, what to do. */
export class StatusReason {
  @IsString() @IsNotEmpty() @Matches(/^[A-Z][A-Z0-9_]*$/)
  code!: string;

  @IsString() @IsNotEmpty() @MaxLength(2000)
  message!: string;

  @IsOptional() @IsString() @MaxLength(4000)
  hint?: string;
}

/** The answer of a request: a value, or a coded error. */
export class ReplyError {
  @IsString() @IsNotEmpty()
  code!: string;

  @IsString()
  message!: string;

  /** What the requester's user can do about it, e.g. the trust policy to fix. */
  @IsOptional() @IsString()
  hint?: string;

  @IsOptional() @IsIn([true, false])
  retryable?: boolean;
}
