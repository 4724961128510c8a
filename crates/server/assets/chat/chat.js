// @ts-check
/*
 * The chat's lifecycle: open a conversation (new, stored, or from another
 * tab), switch to the one a message after the end opened, forget it for a new
 * chat, or drop it when the server no longer knows the session.
 */

import { getConversation, RequestError, errorMessage, sessionGone } from './api.js';
import { updateCount } from './composer.js';
import {
  clearError,
  els,
  focusSoon,
  setBusy,
  showChatScreen,
  showError,
  showLoadError,
  showStartScreen,
} from './dom.js';
import {
  addPending,
  isMessage,
  lastConversation,
  renderConversation,
  renderEnded,
  resetMessages,
} from './messages.js';
import { resetScroll } from './scroll.js';
import { STORAGE_KEY, loadSession, sameId, saveSession, session, setSession } from './session.js';
import { connect, disconnect, onSessionGone } from './stream.js';
import { resetSurvey } from './survey.js';

/** @typedef {import('./protocol').CustomerSession} CustomerSession */
/** @typedef {import('./protocol').CustomerMessageResponse} CustomerMessageResponse */
/** @typedef {import('./session.js').Session} Session */

function resetChatView() {
  resetMessages();
  els.waiting.hidden = true;
  renderEnded(false);
  els.survey.hidden = true;
  els.thanks.hidden = true;
  els.jump.hidden = true;
  resetSurvey();
  resetScroll();
}

/**
 * A conversation with nothing in it yet (the stream brings what there is).
 * @param {Session} s
 */
function blank(s) {
  return { conversation_id: s.conversation_id, ended: false, survey: null, messages: [] };
}

/**
 * Shows a session's conversation.
 * @param {Session} s
 * @param {boolean} fresh just started: nothing to load
 */
export function openChat(s, fresh) {
  setSession(s);
  resetChatView();
  showChatScreen();
  clearError();
  if (fresh) {
    renderConversation(blank(s));
    connect();
    focusSoon(els.message);
    return;
  }
  setBusy(els.main, true);
  setBusy(els.log, true);
  loadConversation(s);
}

/** @param {Session} s */
async function loadConversation(s) {
  try {
    const conv = await getConversation(s.conversation_id, s.token);
    if (session !== s) return;
    renderConversation(conv);
    connect();
  } catch (err) {
    if (session !== s) return;
    if (sessionGone(err)) {
      // Stored session is no longer valid: quietly go back to the start form.
      forgetSession();
      return;
    }
    setBusy(els.main, false);
    showLoadError(
      err instanceof RequestError && err.status === 0
        ? { id: 'chat-error-load' }
        : errorMessage(err)
    );
    // The stream sends the whole conversation once it connects.
    connect();
  }
}

/** @type {(() => void)[]} */
const forgetHooks = [];

/**
 * Runs `fn` whenever the page lets go of its conversation (a new chat, an
 * expired session, another tab's choice).
 * @param {() => void} fn
 */
export function onForget(fn) {
  forgetHooks.push(fn);
}

/** Back to the start form, the conversation forgotten (the name kept for the next). */
export function forgetSession() {
  const oldName = session ? session.name : '';
  for (const fn of forgetHooks) fn();
  disconnect();
  setSession(null);
  saveSession(null);
  resetChatView();
  els.message.value = '';
  updateCount();
  showStartScreen();
  clearError();
  if (!els.name.value && oldName) els.name.value = oldName;
}

/** The server no longer knows the session: say so on the start form. */
export function expireSession() {
  forgetSession();
  showError({ id: 'chat-error-session-gone' });
  focusSoon(els.name.value ? els.email : els.name);
}

/**
 * A message after the end opened a new conversation: follow it.
 * @param {CustomerSession} next
 * @param {unknown} message the message that opened it
 */
export function switchConversation(next, message) {
  /** @type {Session} */
  const s = {
    conversation_id: next.conversation_id,
    token: next.token,
    name: session ? session.name : '',
  };
  disconnect();
  setSession(s);
  saveSession(s);
  resetChatView();
  if (isMessage(message)) addPending(message);
  renderConversation(blank(s));
  connect();
}

/**
 * Shows what the customer just posted (words or a file): in the new
 * conversation when it opened one, else as a line of this one until the stream
 * brings it.
 * @param {Session} s the session it was posted in
 * @param {CustomerMessageResponse | null} res
 */
export function showPosted(s, res) {
  const message = res && res.message;
  if (res && res.session && typeof res.session === 'object') {
    switchConversation(res.session, message);
  } else if (isMessage(message)) {
    addPending(message);
    renderConversation(lastConversation() || blank(s));
  }
}

/**
 * Draws the session's conversation again (after a change to the lines on
 * their way).
 * @param {Session} s
 */
export function redraw(s) {
  renderConversation(lastConversation() || blank(s));
}

/**
 * Another tab started, switched or forgot the conversation: follow it.
 * @param {StorageEvent} ev
 */
function onStorage(ev) {
  if (ev.key !== STORAGE_KEY && ev.key !== null) return;
  const s = loadSession();
  if (!s) {
    if (session) forgetSession();
    return;
  }
  if (session && sameId(session.conversation_id, s.conversation_id) && session.token === s.token) return;
  for (const fn of forgetHooks) fn();
  disconnect();
  openChat(s, false);
}

/** Follows other tabs and the stream's word that the session is gone. */
export function watchSession() {
  window.addEventListener('storage', onStorage);
  onSessionGone(expireSession);
}
