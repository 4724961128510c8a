// @ts-check
/*
 * The page's elements, and what every part does with them: busy flags, focus,
 * the one error line, the connection status.
 *
 * Runs under a strict CSP (script-src 'self', style-src 'self'): no inline
 * scripts or styles, no eval. Everything that comes from the server (names,
 * message bodies, error messages) is written with textContent only, never
 * parsed as HTML.
 */

import { put, sameWords, say } from './i18n.js';

/** @typedef {import('./i18n.js').Words} Words */

/**
 * The element with this id, checked to be of the kind the page expects.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T, prototype: T }} kind
 * @returns {T}
 */
function byId(id, kind) {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error('missing #' + id);
  return el;
}

// Modules run once the document is parsed: every element is there.
const stars = byId('stars', HTMLElement);

export const els = {
  main: byId('main', HTMLElement),
  loading: byId('loading', HTMLElement),
  newChat: byId('new-chat', HTMLButtonElement),
  language: byId('language', HTMLSelectElement),
  startScreen: byId('start-screen', HTMLElement),
  startForm: byId('start-form', HTMLFormElement),
  name: byId('name', HTMLInputElement),
  email: byId('email', HTMLInputElement),
  start: byId('start', HTMLButtonElement),
  error: byId('error', HTMLElement),
  chatScreen: byId('chat-screen', HTMLElement),
  scroller: byId('scroller', HTMLElement),
  log: byId('log', HTMLElement),
  messages: byId('messages', HTMLOListElement),
  waiting: byId('waiting', HTMLElement),
  typing: byId('typing', HTMLElement),
  ended: byId('ended', HTMLElement),
  survey: byId('survey', HTMLFormElement),
  stars,
  starLabels: Array.from(
    /** @type {NodeListOf<HTMLLabelElement>} */ (stars.querySelectorAll('label[data-value]'))
  ),
  comment: byId('comment', HTMLTextAreaElement),
  surveySubmit: byId('survey-submit', HTMLButtonElement),
  thanks: byId('survey-thanks', HTMLElement),
  dock: byId('dock', HTMLElement),
  jump: byId('jump', HTMLButtonElement),
  status: byId('status', HTMLElement),
  hint: byId('composer-hint', HTMLElement),
  composer: byId('composer', HTMLFormElement),
  message: byId('message', HTMLTextAreaElement),
  send: byId('send', HTMLButtonElement),
  count: byId('count', HTMLElement),
  uploading: byId('uploading', HTMLElement),
  file: byId('file', HTMLInputElement),
  attach: byId('attach', HTMLButtonElement),
  drop: byId('drop', HTMLElement),
  viewer: byId('viewer', HTMLDialogElement),
  viewerName: byId('viewer-name', HTMLElement),
  viewerSave: byId('viewer-save', HTMLAnchorElement),
  viewerClose: byId('viewer-close', HTMLButtonElement),
  viewerImage: byId('viewer-image', HTMLImageElement),
};

// ---------------------------------------------------------------- small helpers

/**
 * @param {Element} el
 * @param {boolean} busy
 */
export function setBusy(el, busy) {
  if (busy) el.setAttribute('aria-busy', 'true');
  else el.removeAttribute('aria-busy');
}

/**
 * Focuses `el` on the next frame, once it is rendered after un-hiding.
 * @param {HTMLElement} el
 */
export function focusSoon(el) {
  requestAnimationFrame(() => {
    try {
      el.focus({ preventScroll: el === els.thanks ? false : true });
    } catch (_) {
      el.focus();
    }
  });
}

/**
 * @param {HTMLInputElement} input
 * @param {boolean} invalid
 */
export function markInvalid(input, invalid) {
  if (invalid) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

// ---------------------------------------------------------------- messages shown to the user

/** @type {ReturnType<typeof setTimeout> | null} */
let errorTimer = null;
// The error shown is the one from loading the conversation (the stream's first frame clears it).
let loadErrorShown = false;

/** @param {Words} [message] */
export function showError(message) {
  /** @type {Words} */
  const words = message && say(message) ? message : { id: 'chat-error' };
  if (errorTimer) {
    clearTimeout(errorTimer);
    errorTimer = null;
  }
  if (els.error.textContent === say(words)) {
    // Same text again: clear, then set, so screen readers announce it again.
    put(els.error, '');
    errorTimer = setTimeout(() => {
      errorTimer = null;
      put(els.error, words);
    }, 100);
  } else {
    put(els.error, words);
  }
}

/**
 * Shows a failure to load the conversation, which the stream's first frame clears.
 * @param {Words} message
 */
export function showLoadError(message) {
  showError(message);
  loadErrorShown = true;
}

export function clearError() {
  if (errorTimer) {
    clearTimeout(errorTimer);
    errorTimer = null;
  }
  put(els.error, '');
  loadErrorShown = false;
}

/** Clears the error if it is the one from loading the conversation. */
export function clearLoadError() {
  if (loadErrorShown) clearError();
}

/** @type {Words} */
let status = '';

/**
 * The connection's status line (a live region: set only on change).
 * @param {Words} words
 */
export function setStatus(words) {
  if (sameWords(status, words)) return;
  status = words;
  put(els.status, words);
}

// ---------------------------------------------------------------- screens

export function showStartScreen() {
  els.loading.hidden = true;
  els.chatScreen.hidden = true;
  els.newChat.hidden = true;
  els.startScreen.hidden = false;
  // The single #error area lives in the visible screen.
  els.startForm.insertBefore(els.error, els.start);
  setBusy(els.main, false);
  setStatus('');
}

export function showChatScreen() {
  els.loading.hidden = true;
  els.startScreen.hidden = true;
  els.chatScreen.hidden = false;
  els.newChat.hidden = false;
  els.dock.insertBefore(els.error, els.composer);
}
