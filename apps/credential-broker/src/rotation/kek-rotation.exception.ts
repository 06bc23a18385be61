export enum KekRotationErrorCode {
  InvalidArguments = 'INVALID_ARGUMENTS',
  LocalKeyFileMissing = 'LOCAL_KEY_FILE_MISSING',
  RotationInProgress = 'ROTATION_IN_PROGRESS',
}

/** Why the rotation command refused to start; nothing was changed. */
export class KekRotationException extends Error {
  override readonly name = 'KekRotationException';
  constructor(
    readonly code: KekRotationErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
