// @ts-check
/*
 * Typing and seen: while the customer types, the agents are told about once a
 * second; when the agent types, "Alice is typing…" shows for a few seconds; and
 * once the agents' messages have been shown on a visible page, the server is
 * told so the agent sees "Seen". None of it is ever in the way: failures are
 * dropped (the next keystroke or message tries again).
 */

import { convPath } from './api.js';
import { els } from './dom.js';
import { put, say } from './i18n.js';
import { session } from './session.js';

/** @typedef {import('./protocol').SeenRequest} SeenRequest */
/** @typedef {import('./protocol').CustomerVisibleMessage} CustomerVisibleMessage */

/** At most one typing signal per this long. */
const TYPING_EVERY_MS = 1000;
/** "… is typing" goes away this long after the last signal. */
const TYPING_SHOWN_MS = 5000;

let lastTypingSent = 0;
/** @type {ReturnType<typeof setTimeout> | null} */
let hideTimer = null;
/** The newest agent message reported as seen, by conversation. */
let seenFor = '';
let seenUpTo = -1;
/** @type {CustomerVisibleMessage[]} */
let shownMessages = [];

/**
 * Posts without waiting for or showing the answer.
 * @param {string} path
 * @param {unknown} body
 */
function signal(path, body) {
  const s = session;
  if (!s) return;
  /** @type {Record<string, string>} */
  const headers = { Authorization: 'Bearer ' + s.token };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  fetch(convPath(s.conversation_id) + path, {
    method: 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  }).catch(() => {});
}

/** Tells the agents the customer is typing, at most once a second. */
function typed() {
  if (!session || !els.message.value.trim() || !els.ended.hidden) return;
  const now = Date.now();
  if (now - lastTypingSent < TYPING_EVERY_MS) return;
  lastTypingSent = now;
  signal('/typing', undefined);
}

export function watchTyping() {
  els.message.addEventListener('input', typed);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reportSeen(shownMessages);
  });
}

/**
 * Shows that the agent is typing, until a few seconds pass without a new signal.
 * @param {unknown} name the agent's name, untrusted
 */
export function showAgentTyping(name) {
  /** @type {import('./i18n.js').Phrase} */
  const words =
    typeof name === 'string' && name.trim()
      ? { id: 'chat-typing', args: { name: name.trim() } }
      : { id: 'chat-typing-agent' };
  // Set once: the log around it is a live region, read out on change.
  if (els.typing.textContent !== say(words)) put(els.typing, words);
  els.typing.hidden = false;
  if (hideTimer) clearTimeout(hideTimer);
  hideTimer = setTimeout(hideAgentTyping, TYPING_SHOWN_MS);
}

/** The agent's message came (or the conversation changed): nobody is typing. */
export function hideAgentTyping() {
  if (hideTimer) clearTimeout(hideTimer);
  hideTimer = null;
  els.typing.hidden = true;
  put(els.typing, '');
}

/**
 * Tells the server the agents' messages up to the newest one drawn were seen,
 * when the page is visible and that one is newer than the last told.
 * @param {CustomerVisibleMessage[]} messages the conversation's, as drawn
 */
export function reportSeen(messages) {
  shownMessages = messages;
  const s = session;
  if (!s) return;
  const key = String(s.conversation_id);
  if (key !== seenFor) {
    seenFor = key;
    seenUpTo = -1;
  }
  if (document.visibilityState !== 'visible') return;
  let newest = -1;
  for (const m of messages) {
    if (m.from === 'agent' && typeof m.id === 'number' && m.id > newest) newest = m.id;
  }
  if (newest <= seenUpTo) return;
  seenUpTo = newest;
  /** @type {SeenRequest} */
  const req = { message_id: newest };
  signal('/seen', req);
}
