// @ts-check
/*
 * The customer's lines on their way. Each gets a client-made id and shows at
 * once as "Sending…"; the lines go out one after another, in order, and each is
 * posted again after a network failure, a server error or a rate limit (waiting
 * longer each time, and at once when the browser comes back online) until the
 * server answers. The server keeps the first answer to each id, so a retry
 * after a lost answer stores nothing twice.
 */

import { RequestError, errorMessage, postMessage, sessionGone } from './api.js';
import { expireSession, onForget, redraw, showPosted } from './chat.js';
import { updateCount } from './composer.js';
import { els, showError } from './dom.js';
import { addPending, clearOutgoing, dropOutgoing, isMessage, setOutgoing } from './messages.js';
import { scrollToBottom } from './scroll.js';
import { sameId, session } from './session.js';

/** @typedef {import('./session.js').Session} Session */
/** @typedef {import('./protocol').CustomerMessageResponse} CustomerMessageResponse */

/**
 * A line on its way, and the session it is addressed to.
 * @typedef {{ key: string, clientId: string, body: string, createdAt: string, sess: Session, tried: boolean }} Item
 */

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30000;
const SENDING = 'Sending…';
const RETRYING = 'Not sent yet. Trying again…';

/** @type {Item[]} */
let queue = [];
let running = false;
/** @type {(() => void) | null} */
let wakeUp = null;

/** A random (version 4) UUID, also where `crypto.randomUUID` is missing (plain HTTP). */
export function newClientId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
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
  setOutgoing(item.key, body, item.createdAt, SENDING);
  redraw(sess);
  scrollToBottom(false);
  if (!running) void run();
}

/**
 * Whether a failure passes: no answer, a server fault, a rate limit.
 * @param {unknown} err
 */
function passing(err) {
  return (
    err instanceof RequestError &&
    (err.status === 0 || err.status === 429 || err.status >= 500 || err.code === 'try_again')
  );
}

/**
 * Waits `ms` (give or take a fifth, so many pages do not retry in step), or
 * until woken.
 * @param {number} ms
 */
function pause(ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms * (0.8 + Math.random() * 0.4));
    function done() {
      clearTimeout(timer);
      wakeUp = null;
      resolve(undefined);
    }
    wakeUp = done;
  });
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
    } catch (err) {
      if (queue[0] !== item) continue; // dropped meanwhile
      if (!passing(err)) {
        queue.shift();
        refused(item, err);
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
  clearOutgoing();
  if (wakeUp) wakeUp();
}

/** Retries at once when the browser is back online; forgets with the conversation. */
export function watchOutbox() {
  window.addEventListener('online', () => {
    if (wakeUp) wakeUp();
  });
  onForget(dropAll);
}
