// @ts-check
/*
 * The customer's lines on their way. Each gets a client-made id and shows at
 * once as "Sending…"; the lines go out one after another, in order, and each is
 * posted again after a network failure, a server error or a rate limit (waiting
 * longer each time, and at once when the browser comes back online) until the
 * server answers. The server keeps the first answer to each id, so a retry
 * after a lost answer stores nothing twice. The lines on their way are kept in
 * localStorage too: a reload, or the page opened again later, sends them (with
 * the same ids, so never twice).
 */

import { errorMessage, postMessage, sessionGone } from './api.js';
import { expireSession, onForget, redraw, showPosted } from './chat.js';
import { updateCount } from './composer.js';
import { els, showError } from './dom.js';
import { addPending, clearOutgoing, dropOutgoing, isMessage, setOutgoing } from './messages.js';
import { MAX_MESSAGE_CHARS } from './config.js';
import { FIRST_RETRY_MS, LAST_RETRY_MS, newClientId, passing, pause, wakeAll } from './retry.js';
import { scrollToBottom } from './scroll.js';
import { sameId, session, validSession } from './session.js';

/** @typedef {import('./session.js').Session} Session */
/** @typedef {import('./protocol').CustomerMessageResponse} CustomerMessageResponse */

/**
 * A line on its way, and the session it is addressed to.
 * @typedef {{ key: string, clientId: string, body: string, createdAt: string, sess: Session, tried: boolean }} Item
 */

/** @type {import('./i18n.js').Phrase} */
const SENDING = { id: 'chat-sending' };
/** @type {import('./i18n.js').Phrase} */
const RETRYING = { id: 'chat-retrying' };

/** Where the lines on their way are kept across reloads. */
export const OUTBOX_KEY = 'switchboard.chat.outbox';
/** At most this many lines are kept (storage is small and shared). */
const MAX_KEPT = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @type {Item[]} */
let queue = [];
let running = false;

/** Keeps the lines on their way in storage (nothing when storage is blocked). */
function keep() {
  try {
    if (queue.length === 0) window.localStorage.removeItem(OUTBOX_KEY);
    else
      window.localStorage.setItem(
        OUTBOX_KEY,
        JSON.stringify(
          queue.slice(0, MAX_KEPT).map((i) => ({
            clientId: i.clientId,
            body: i.body,
            createdAt: i.createdAt,
            sess: i.sess,
          })),
        ),
      );
  } catch (_) {
    /* private mode, quota: the lines still go while the page is open */
  }
}

/**
 * A kept line from untrusted storage, or null.
 * @param {unknown} v
 * @returns {Item | null}
 */
function keptItem(v) {
  if (!v || typeof v !== 'object') return null;
  const o = /** @type {Record<string, unknown>} */ (v);
  const sess = validSession(o.sess);
  if (!sess || typeof o.clientId !== 'string' || !UUID.test(o.clientId)) return null;
  if (typeof o.body !== 'string' || o.body.trim() === '' || o.body.length > MAX_MESSAGE_CHARS) return null;
  const createdAt = typeof o.createdAt === 'string' && !isNaN(Date.parse(o.createdAt)) ? o.createdAt : new Date().toISOString();
  return { key: 'out:' + o.clientId, clientId: o.clientId, body: o.body, createdAt, sess, tried: false };
}

/**
 * Sends the lines an earlier page left on their way (a reload, the page closed
 * while offline), in order, before anything new.
 */
export function resumeOutbox() {
  /** @type {unknown} */
  let kept = null;
  try {
    kept = JSON.parse(window.localStorage.getItem(OUTBOX_KEY) || 'null');
  } catch (_) {
    kept = null;
  }
  if (!Array.isArray(kept)) return;
  const known = new Set(queue.map((i) => i.clientId));
  const items = kept
    .map(keptItem)
    .filter((i) => i !== null && !known.has(i.clientId))
    .slice(0, MAX_KEPT);
  if (items.length === 0) return;
  queue = [.../** @type {Item[]} */ (items), ...queue];
  for (const i of queue) setOutgoing(i.key, i.body, i.createdAt, SENDING);
  if (session) redraw(session);
  keep();
  if (!running) void run();
}

/**
 * Sends a line of the customer's in session `sess`.
 * @param {Session} sess
 * @param {string} body
 */
export function sendLine(sess, body) {
  const clientId = newClientId();
  /** @type {Item} */
  const item = {
    key: 'out:' + clientId,
    clientId,
    body,
    createdAt: new Date().toISOString(),
    sess,
    tried: false,
  };
  queue.push(item);
  keep();
  setOutgoing(item.key, body, item.createdAt, SENDING);
  redraw(sess);
  scrollToBottom(false);
  if (!running) void run();
}

/** Whether the page shows the conversation `sess` addresses. */
function showing(/** @type {Session} */ sess) {
  return session !== null && sameId(session.conversation_id, sess.conversation_id);
}

/**
 * The server confirmed a line: its own line takes the place of the one on its way.
 * @param {Item} item
 * @param {CustomerMessageResponse | null} res
 */
function confirmed(item, res) {
  dropOutgoing(item.key);
  const next = res && res.session && typeof res.session === 'object' ? res.session : null;
  if (next) {
    // The line opened a new conversation: the lines behind it not yet tried go there.
    for (const later of queue) {
      if (!later.tried && later.sess === item.sess) {
        later.sess = { conversation_id: next.conversation_id, token: next.token, name: item.sess.name };
      }
    }
  }
  if (showing(item.sess)) {
    showPosted(item.sess, res);
    scrollToBottom(false);
  } else if (session && next && sameId(session.conversation_id, next.conversation_id)) {
    if (res && isMessage(res.message)) addPending(res.message);
    redraw(session);
  }
}

/**
 * The server refused a line for good: it leaves the list, and its words go
 * back to the box (unless the customer is writing something else there).
 * @param {Item} item
 * @param {unknown} err
 */
function refused(item, err) {
  dropOutgoing(item.key);
  if (sessionGone(err)) {
    queue = queue.filter((i) => i.sess !== item.sess);
    if (showing(item.sess)) expireSession();
    return;
  }
  if (!showing(item.sess)) return;
  if (!els.message.value.trim()) {
    els.message.value = item.body;
    updateCount();
  }
  redraw(item.sess);
  showError(errorMessage(err));
}

async function run() {
  running = true;
  let wait = FIRST_RETRY_MS;
  while (queue.length) {
    const item = queue[0];
    item.tried = true;
    try {
      const res = await postMessage(item.sess.conversation_id, item.sess.token, {
        body: item.body,
        client_id: item.clientId,
      });
      if (queue[0] !== item) continue; // dropped meanwhile
      queue.shift();
      wait = FIRST_RETRY_MS;
      confirmed(item, res);
      keep();
    } catch (err) {
      if (queue[0] !== item) continue; // dropped meanwhile
      if (!passing(err)) {
        queue.shift();
        refused(item, err);
        keep();
        continue;
      }
      setOutgoing(item.key, item.body, item.createdAt, RETRYING);
      if (showing(item.sess)) redraw(item.sess);
      await pause(wait);
      wait = Math.min(wait * 2, LAST_RETRY_MS);
    }
  }
  running = false;
}

/** Drops every line on its way (the page let go of its conversation). */
function dropAll() {
  queue = [];
  keep();
  clearOutgoing();
  wakeAll();
}

/** Retries at once when the browser is back online; forgets with the conversation. */
export function watchOutbox() {
  window.addEventListener('online', wakeAll);
  onForget(dropAll);
}
