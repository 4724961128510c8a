// @ts-check
/*
 * The live stream: a WebSocket that sends the whole conversation first and
 * after every change. Reconnects with backoff and jitter; a link silent for too
 * long (not even a heartbeat) counts as dead.
 */

import { convPath, sessionGoneCode } from './api.js';
import { clearLoadError, els, setStatus } from './dom.js';
import { renderConversation } from './messages.js';
import { wakeAll } from './retry.js';
import { session } from './session.js';
import { showAgentTyping } from './typing.js';

/** @typedef {import('./protocol').CustomerStreamAuth} CustomerStreamAuth */
/** @typedef {import('./protocol').CustomerStreamFrame} CustomerStreamFrame */
/** @typedef {import('./session.js').ConversationKey} ConversationKey */
/** @typedef {import('./session.js').Session} Session */

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30000;
const IDLE_TIMEOUT_MS = 45000;

/** @type {WebSocket | null} */
let sock = null;
let sockGen = 0; // events of sockets from older generations are ignored
let attempt = 0;
/** @type {ReturnType<typeof setTimeout> | null} */
let retryTimer = null;
/** @type {ReturnType<typeof setTimeout> | null} */
let idleTimer = null;

/** What to do when the stream says the session is no longer valid. */
let onGone = () => {};

/** @param {() => void} handler */
export function onSessionGone(handler) {
  onGone = handler;
}

/** @param {ConversationKey} id */
function streamUrl(id) {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return proto + '//' + location.host + convPath(id) + '/stream';
}

function clearIdle() {
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
}

/** @param {number} gen */
function armIdle(gen) {
  clearIdle();
  idleTimer = setTimeout(() => {
    idleTimer = null;
    if (gen !== sockGen) return;
    // Nothing at all (not even a heartbeat) for too long: assume a dead link.
    dropSocket();
    scheduleReconnect();
  }, IDLE_TIMEOUT_MS);
}

function dropSocket() {
  sockGen++; // events from the old socket are ignored from now on
  clearIdle();
  const old = sock;
  sock = null;
  if (old) {
    try {
      old.close(1000);
    } catch (_) {
      /* already closed */
    }
  }
}

/** Closes the stream and stops reconnecting. */
export function disconnect() {
  dropSocket();
  if (retryTimer) {
    clearTimeout(retryTimer);
    retryTimer = null;
  }
  attempt = 0;
  setStatus('');
}

function scheduleReconnect() {
  if (!session) return;
  if (retryTimer) clearTimeout(retryTimer);
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, attempt));
  attempt = Math.min(attempt + 1, 16);
  const delay = Math.min(BACKOFF_MAX_MS, Math.round(base * (0.75 + Math.random() * 0.5)));
  setStatus({ id: 'chat-reconnecting' });
  retryTimer = setTimeout(() => {
    retryTimer = null;
    connect();
  }, delay);
}

/** Opens the stream of the session's conversation (replacing any other). */
export function connect() {
  if (!session) return;
  if (retryTimer) {
    clearTimeout(retryTimer);
    retryTimer = null;
  }
  dropSocket();
  const gen = sockGen;
  const s = session;

  /** @type {WebSocket} */
  let ws;
  try {
    ws = new WebSocket(streamUrl(s.conversation_id));
  } catch (_) {
    scheduleReconnect();
    return;
  }
  sock = ws;
  armIdle(gen); // also covers a connection attempt that hangs

  ws.addEventListener('open', () => {
    if (gen !== sockGen) return;
    /** @type {CustomerStreamAuth} */
    const auth = { token: s.token };
    try {
      ws.send(JSON.stringify(auth));
    } catch (_) {
      /* close event follows */
    }
    armIdle(gen);
    // The server answers again: lines and files on their way go now.
    wakeAll();
  });

  ws.addEventListener('message', (ev) => {
    if (gen !== sockGen) return;
    armIdle(gen);
    if (typeof ev.data !== 'string') return;
    /** @type {unknown} */
    let frame;
    try {
      frame = JSON.parse(ev.data);
    } catch (_) {
      return;
    }
    handleFrame(frame, s);
  });

  ws.addEventListener('close', () => {
    if (gen !== sockGen) return;
    sock = null;
    clearIdle();
    scheduleReconnect();
  });

  // 'error' is always followed by 'close'; reconnection happens there.
}

/**
 * @param {unknown} data a frame as parsed, untrusted
 * @param {Session} s the session the stream was opened for
 */
function handleFrame(data, s) {
  if (!data || typeof data !== 'object' || session !== s) return;
  const frame = /** @type {CustomerStreamFrame} */ (data);
  if (frame.type === 'conversation') {
    attempt = 0; // authenticated and receiving: reset the backoff
    setStatus('');
    clearLoadError();
    renderConversation(frame.conversation);
  } else if (frame.type === 'typing') {
    showAgentTyping(frame.agent_name);
  } else if (frame.type === 'error') {
    const code = typeof frame.code === 'string' ? frame.code : '';
    if (sessionGoneCode(code)) onGone();
    // Other errors: the server closes the socket and we reconnect with backoff.
  }
  // 'heartbeat' only keeps the idle timer alive.
}

/** Reconnects at once if the stream is down (the page is visible again, back online). */
export function reconnectIfNeeded() {
  if (!session || els.chatScreen.hidden) return;
  if (sock && (sock.readyState === WebSocket.OPEN || sock.readyState === WebSocket.CONNECTING)) return;
  attempt = 0;
  connect();
}
