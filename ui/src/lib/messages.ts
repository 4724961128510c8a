// What the agent reads when something fails. The engine's and the server's
// own words are the most specific there are ("Bob has already taken this
// conversation"): in English the app shows them. In another language it shows
// the catalog's words for the error's code (locales/<language>/ui/errors.ftl),
// with their detail only for the few codes whose detail says what exactly went
// wrong (a field, a file on disk). The server says a field's refusal in the
// app's language (the engine asks for it: Accept-Language; its catalog is
// locales/<language>/server.ftl), so that detail reads in the agent's language.
import { BackendError } from './backend';
import type { MessageArgs, MessageId } from './i18n-keys';
import { language, t, type PlainMessageId } from './i18n.svelte';
import type { ClientErrorCode } from './types';

/** The error messages that carry the engine's or the server's detail. */
type DetailMessageId = { [K in MessageId]: MessageArgs[K] extends { detail: string | number } ? K : never }[MessageId];

const DETAILED: Partial<Record<ClientErrorCode, DetailMessageId>> = {
  cache: 'error-cache',
  desktop: 'error-desktop',
  unknown: 'error-unknown',
  invalid_request: 'error-invalid-request',
  invalid_field: 'error-invalid-field',
};

// Every other code: a Record, so a code added to the protocol or the engine
// without words here fails the type check.
const PLAIN: Record<Exclude<ClientErrorCode, keyof typeof DETAILED>, PlainMessageId> = {
  bad_address: 'error-bad-address',
  unreachable: 'error-unreachable',
  bad_response: 'error-bad-response',
  unreadable_answer: 'error-unreadable-answer',
  not_signed_in: 'error-not-signed-in',
  body_too_large: 'error-body-too-large',
  message_too_long: 'error-message-too-long',
  unauthorized: 'error-unauthorized',
  invalid_credentials: 'error-invalid-credentials',
  forbidden: 'error-forbidden',
  not_found: 'error-not-found',
  conversation_taken: 'error-conversation-taken',
  not_occupant: 'error-not-occupant',
  invalid_state: 'error-invalid-state',
  op_id_reused: 'error-op-id-reused',
  rate_limited: 'error-rate-limited',
  try_again: 'error-try-again',
  resync_required: 'error-resync-required',
  survey_answered: 'error-survey-answered',
  customer_opted_out: 'error-customer-opted-out',
  unknown_number: 'error-unknown-number',
  at_capacity: 'error-at-capacity',
  agent_unavailable: 'error-agent-unavailable',
  agent_at_capacity: 'error-agent-at-capacity',
  shortcut_taken: 'error-shortcut-taken',
  internal: 'error-internal',
};

/** Who a refusal is about, when the app knows: to name them in any language. */
export interface Named {
  /** Who has the conversation now (`conversation_taken`). */
  holder?: string | null;
  /** Who a transfer was for (`agent_unavailable`, `agent_at_capacity`). */
  target?: string | null;
}

/** A failure (a rejected call, an outbox item's `{code, message}`) in the agent's language. */
export function errorMessage(e: unknown, named: Named = {}): string {
  const err = BackendError.from(e);
  if (language() === 'en' && err.message.trim()) return err.message;
  const { holder, target } = named;
  if (err.code === 'conversation_taken' && holder) return t('error-conversation-taken-by', { name: holder });
  if (err.code === 'agent_unavailable' && target) return t('error-agent-unavailable-named', { name: target });
  if (err.code === 'agent_at_capacity' && target) return t('error-agent-at-capacity-named', { name: target });
  const plain = (PLAIN as Partial<Record<ClientErrorCode, PlainMessageId>>)[err.code];
  if (plain) return t(plain);
  // A code from a newer server than this app falls back to "something went wrong".
  return t(DETAILED[err.code] ?? 'error-unknown', { detail: err.message });
}

const SIGN_IN: Partial<Record<ClientErrorCode, PlainMessageId>> = {
  invalid_credentials: 'signin-wrong-password',
  unreachable: 'signin-unreachable',
  bad_address: 'signin-bad-address',
  rate_limited: 'signin-rate-limited',
};

export function signInMessage(e: unknown): string {
  const err = BackendError.from(e);
  const id = SIGN_IN[err.code];
  return id ? t(id) : errorMessage(err);
}
