// @ts-check
/*
 * The customer API over HTTP: typed requests, and every failure as a
 * RequestError with the server's code (or one of the page's own when no
 * server answer came).
 */

/** @typedef {import('./protocol').ApiError} ApiError */
/** @typedef {import('./protocol').ErrorCode} ErrorCode */
/** @typedef {import('./protocol').CustomerConversation} CustomerConversation */
/** @typedef {import('./protocol').CustomerMessageRequest} CustomerMessageRequest */
/** @typedef {import('./protocol').CustomerMessageResponse} CustomerMessageResponse */
/** @typedef {import('./protocol').CustomerSession} CustomerSession */
/** @typedef {import('./protocol').Attachment} Attachment */
/** @typedef {import('./protocol').StartConversationRequest} StartConversationRequest */
/** @typedef {import('./protocol').SurveyRequest} SurveyRequest */
/** @typedef {import('./protocol').CustomerLanguageRequest} CustomerLanguageRequest */
/** @typedef {import('./session.js').ConversationKey} ConversationKey */
/** @typedef {import('./i18n.js').Words} Words */

import { MAX_MESSAGE_CHARS } from './config.js';
import { language, say } from './i18n.js';

const API = '/api/v1/customer/conversations';
const REQUEST_TIMEOUT_MS = 30000;
// A file of 10 MiB on a slow line takes minutes.
const FILE_TIMEOUT_MS = 300000;

/**
 * The server's codes that mean this page's session no longer reads its conversation.
 * @type {readonly ErrorCode[]}
 */
const SESSION_GONE_CODES = ['unauthorized', 'forbidden', 'not_found'];

/**
 * The page's own codes: no answer came (`network`), the answer was not what the
 * API promises (`bad_response`), or an error status without the server's error body.
 * @typedef {'network' | 'bad_response' | `http_${number}`} PageCode
 */

export class RequestError extends Error {
  /**
   * @param {number} status the HTTP status; 0 when no answer came
   * @param {ErrorCode | PageCode} code
   * @param {Words} words for people, in the page's language
   * @param {string} [detail] the server's own message (English, for logs and
   *   for telling which field it means)
   */
  constructor(status, code, words, detail = '') {
    super(say(words));
    this.status = status;
    this.code = code;
    this.words = words;
    this.detail = detail;
  }
}

/** @param {ConversationKey} id */
export function convPath(id) {
  return API + '/' + encodeURIComponent(String(id));
}

/**
 * What a failure says to the customer, by the server's code (the server's own
 * message is English and for developers), else by the HTTP status.
 * @param {number} status
 * @param {string | undefined} code
 * @returns {Words}
 */
function wordsFor(status, code) {
  switch (code) {
    case 'rate_limited':
      return { id: 'chat-error-rate-limited' };
    case 'unauthorized':
    case 'forbidden':
    case 'not_found':
      return { id: 'chat-error-session-gone' };
    case 'message_too_long':
      return { id: 'chat-error-message-too-long', args: { max: MAX_MESSAGE_CHARS } };
    case 'body_too_large':
      return { id: 'chat-error-too-large' };
    case 'invalid_field':
    case 'invalid_request':
      return { id: 'chat-error-invalid' };
    case 'internal':
      return { id: 'chat-error-server' };
  }
  if (status === 429) return { id: 'chat-error-rate-limited' };
  if (status === 401) return { id: 'chat-error-session-gone' };
  if (status >= 500) return { id: 'chat-error-server' };
  return { id: 'chat-error-status', args: { status } };
}

/**
 * The parts of an error body that are usable; an older or odd server may send less.
 * @param {unknown} data
 * @returns {Partial<ApiError>}
 */
function errorBody(data) {
  if (!data || typeof data !== 'object') return {};
  const o = /** @type {Record<string, unknown>} */ (data);
  /** @type {Partial<ApiError>} */
  const out = {};
  // A code this page does not know yet still travels as it is.
  if (typeof o.code === 'string') out.code = /** @type {ErrorCode} */ (o.code);
  if (typeof o.message === 'string') out.message = o.message;
  return out;
}

/**
 * One request; the parsed JSON answer (null when empty) or a RequestError.
 * @param {'GET' | 'POST'} method
 * @param {string} path
 * @param {object | undefined} body sent as JSON
 * @param {string} [token] the session's bearer token
 * @returns {Promise<unknown>}
 */
async function request(method, path, body, token) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return answered(
    await exchange(method, path, body === undefined ? undefined : JSON.stringify(body), headers, token)
  );
}

/**
 * Sends one request: the response (of any status) with its body read, or a
 * `network` RequestError when none came in time.
 * @param {'GET' | 'POST'} method
 * @param {string} path
 * @param {BodyInit | undefined} body
 * @param {Record<string, string>} headers
 * @param {string} [token]
 * @param {number} [timeoutMs]
 * @returns {Promise<{ res: Response, body: Blob }>}
 */
async function exchange(method, path, body, headers, token, timeoutMs = REQUEST_TIMEOUT_MS) {
  if (token) headers.Authorization = 'Bearer ' + token;
  // The page's language, which may not be the browser's.
  headers['Accept-Language'] = language();

  const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
  const timer = ctrl ? setTimeout(() => ctrl.abort(), timeoutMs) : null;
  /** @type {Response} */
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: ctrl ? ctrl.signal : undefined,
    });
    return { res, body: await res.blob() };
  } catch (_) {
    throw new RequestError(0, 'network', { id: 'chat-error-network' });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * The JSON of a successful answer (null when empty), or its RequestError.
 * @param {{ res: Response, body: Blob }} answer
 * @returns {Promise<unknown>}
 */
async function answered({ res, body }) {
  /** @type {unknown} */
  let data = null;
  try {
    const text = await body.text();
    if (text) data = JSON.parse(text);
  } catch (_) {
    data = null;
  }

  if (!res.ok) {
    const e = errorBody(data);
    const code = e.code ?? /** @type {PageCode} */ (`http_${res.status}`);
    throw new RequestError(res.status, code, wordsFor(res.status, e.code), e.message ?? '');
  }
  return data;
}

/**
 * Whether a failure means the session no longer works (start a new chat).
 * @param {unknown} err
 */
export function sessionGone(err) {
  return err instanceof RequestError && (err.status === 401 || sessionGoneCode(err.code));
}

/**
 * Whether the server's code means the session no longer works.
 * @param {string} code
 */
export function sessionGoneCode(code) {
  return SESSION_GONE_CODES.some((c) => c === code);
}

/**
 * A failure's words for people ('' when it has none: the caller's default shows).
 * @param {unknown} err
 * @returns {Words}
 */
export function errorMessage(err) {
  if (err instanceof RequestError) return err.words;
  return err instanceof Error ? err.message : '';
}

// The answers below are what the API promises; callers still check what they use.

/**
 * `POST /conversations`: a new conversation and its token.
 * @param {StartConversationRequest} req
 * @returns {Promise<CustomerSession | null>}
 */
export function startConversation(req) {
  return /** @type {Promise<CustomerSession | null>} */ (request('POST', API, req));
}

/**
 * `GET /conversations/{id}`: the whole conversation.
 * @param {ConversationKey} id
 * @param {string} token
 * @returns {Promise<CustomerConversation | null>}
 */
export function getConversation(id, token) {
  return /** @type {Promise<CustomerConversation | null>} */ (
    request('GET', convPath(id), undefined, token)
  );
}

/**
 * `POST /conversations/{id}/messages`: the message as posted (in a new
 * conversation, with its session, when this one had ended).
 * @param {ConversationKey} id
 * @param {string} token
 * @param {CustomerMessageRequest} req
 * @returns {Promise<CustomerMessageResponse | null>}
 */
export function postMessage(id, token, req) {
  return /** @type {Promise<CustomerMessageResponse | null>} */ (
    request('POST', convPath(id) + '/messages', req, token)
  );
}

/**
 * `POST /conversations/{id}/language`: the page's language, which the server
 * keeps for what it sends this customer (and shows the agents).
 * @param {ConversationKey} id
 * @param {string} token
 * @param {CustomerLanguageRequest} req
 * @returns {Promise<unknown>}
 */
export function postLanguage(id, token, req) {
  return request('POST', convPath(id) + '/language', req, token);
}

/**
 * `POST /conversations/{id}/survey`: the customer's rating.
 * @param {ConversationKey} id
 * @param {string} token
 * @param {SurveyRequest} req
 * @returns {Promise<unknown>}
 */
export function postSurvey(id, token, req) {
  return request('POST', convPath(id) + '/survey', req, token);
}

/**
 * `POST /conversations/{id}/attachments`: the file as a line of the customer's.
 * @param {ConversationKey} id
 * @param {string} token
 * @param {File} file
 * @param {string} clientId made by the page, the same for every try of this file
 * @returns {Promise<CustomerMessageResponse | null>}
 */
export async function uploadFile(id, token, file, clientId) {
  const path =
    convPath(id) +
    '/attachments?name=' +
    encodeURIComponent(file.name || 'file') +
    '&client_id=' +
    encodeURIComponent(clientId);
  const headers = { Accept: 'application/json', 'Content-Type': 'application/octet-stream' };
  return /** @type {Promise<CustomerMessageResponse | null>} */ (
    answered(await exchange('POST', path, file, headers, token, FILE_TIMEOUT_MS))
  );
}

/**
 * `GET /conversations/{id}/attachments/{attachment}`: a file (or its thumbnail).
 * @param {ConversationKey} id
 * @param {string} token
 * @param {Attachment} a
 * @param {boolean} thumbnail
 * @returns {Promise<Blob>}
 */
export async function downloadFile(id, token, a, thumbnail) {
  const path =
    convPath(id) + '/attachments/' + encodeURIComponent(String(a.id)) + (thumbnail ? '?thumbnail=true' : '');
  const answer = await exchange('GET', path, undefined, {}, token, FILE_TIMEOUT_MS);
  if (!answer.res.ok) await answered(answer); // throws its RequestError
  return answer.body;
}
