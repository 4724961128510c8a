// What the agent reads for the error codes the UI branches on.
import { BackendError } from './backend';
import { t, type PlainMessageId } from './i18n.svelte';
import type { ClientErrorCode } from './types';

const SIGN_IN: Partial<Record<ClientErrorCode, PlainMessageId>> = {
  invalid_credentials: 'signin-wrong-password',
  unreachable: 'signin-unreachable',
  bad_address: 'signin-bad-address',
  rate_limited: 'signin-rate-limited',
};

export function signInMessage(e: unknown): string {
  const err = BackendError.from(e);
  const id = SIGN_IN[err.code];
  return id ? t(id) : err.message;
}
