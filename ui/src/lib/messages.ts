// What the agent reads for the error codes the UI branches on.
import { BackendError } from './backend';
import type { ClientErrorCode } from './types';

const SIGN_IN: Partial<Record<ClientErrorCode, string>> = {
  invalid_credentials: 'Wrong email or password',
  unreachable: 'The server cannot be reached',
  bad_address: 'That is not a valid server address',
  rate_limited: 'Too many attempts; wait a minute and try again',
};

export function signInMessage(e: unknown): string {
  const err = BackendError.from(e);
  return SIGN_IN[err.code] ?? err.message;
}
