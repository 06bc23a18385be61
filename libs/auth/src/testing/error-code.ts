import { AuthErrorCode, AuthException } from '../auth.exception';

/** The AuthException code an action throws, `undefined` if it returns, `'NOT_AN_AUTH_EXCEPTION'` otherwise. */
export function errorCodeOf(action: () => unknown): AuthErrorCode | 'NOT_AN_AUTH_EXCEPTION' | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof AuthException ? error.code : 'NOT_AN_AUTH_EXCEPTION';
  }
}

export async function asyncErrorCodeOf(
  action: () => Promise<unknown>,
): Promise<AuthErrorCode | 'NOT_AN_AUTH_EXCEPTION' | undefined> {
  try {
    await action();
    return undefined;
  } catch (error) {
    return error instanceof AuthException ? error.code : 'NOT_AN_AUTH_EXCEPTION';
  }
}
